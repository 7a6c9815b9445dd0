-- CreateTable
CREATE TABLE "legal_holds" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "user_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "placed_by_id" TEXT,
    "placed_by_email" TEXT NOT NULL,
    "placed_at" DATETIME NOT NULL,
    "lifted_at" DATETIME,
    "lifted_by_email" TEXT
);

-- CreateIndex
CREATE INDEX "legal_holds_user_idx" ON "legal_holds"("user_id", "lifted_at");

-- CreateIndex
CREATE INDEX "legal_holds_active_idx" ON "legal_holds"("lifted_at");
