-- CreateTable
CREATE TABLE "messages" (
    "id" SERIAL NOT NULL,
    "sdk_app_id" TEXT NOT NULL,
    "from_account" TEXT NOT NULL,
    "to_account" TEXT NOT NULL,
    "msg_key" TEXT NOT NULL,
    "msg_time" TIMESTAMP(3),
    "received_at" TIMESTAMP(3) NOT NULL,
    "content" BYTEA,
    "content_key_id" TEXT,

    CONSTRAINT "messages_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "user_message_hours" (
    "sdk_app_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "hour_start" TIMESTAMP(3) NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_message_hours_pkey" PRIMARY KEY ("sdk_app_id","user_id","hour_start")
);

-- CreateIndex
CREATE INDEX "messages_received_idx" ON "messages"("received_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "messages_identity_key" ON "messages"("sdk_app_id", "from_account", "to_account", "msg_key");

-- CreateIndex
CREATE INDEX "user_message_hours_hour_idx" ON "user_message_hours"("hour_start", "sdk_app_id", "user_id", "sent");
