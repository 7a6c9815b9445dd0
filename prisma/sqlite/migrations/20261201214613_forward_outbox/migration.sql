-- CreateTable
CREATE TABLE "forward_outbox" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "search" TEXT NOT NULL,
    "body" BLOB NOT NULL,
    "content_type" TEXT,
    "client_address" TEXT NOT NULL,
    "received_at_ms" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_ms" BIGINT NOT NULL,
    "lease_owner" TEXT,
    "lease_until_ms" BIGINT NOT NULL DEFAULT 0,
    "last_error" TEXT
);
