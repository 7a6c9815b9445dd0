-- CreateTable
CREATE TABLE "forward_outbox" (
    "id" SERIAL NOT NULL,
    "search" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "content_type" TEXT,
    "client_address" TEXT NOT NULL,
    "received_at_ms" BIGINT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_ms" BIGINT NOT NULL,
    "lease_owner" TEXT,
    "lease_until_ms" BIGINT NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "forward_outbox_pkey" PRIMARY KEY ("id")
);
