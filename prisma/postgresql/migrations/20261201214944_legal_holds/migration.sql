-- CreateTable
CREATE TABLE "legal_holds" (
    "id" SERIAL NOT NULL,
    "user_id" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "placed_by_id" TEXT,
    "placed_by_email" TEXT NOT NULL,
    "placed_at" TIMESTAMP(3) NOT NULL,
    "lifted_at" TIMESTAMP(3),
    "lifted_by_email" TEXT,

    CONSTRAINT "legal_holds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "legal_holds_user_idx" ON "legal_holds"("user_id", "lifted_at");

-- CreateIndex
CREATE INDEX "legal_holds_active_idx" ON "legal_holds"("lifted_at");
