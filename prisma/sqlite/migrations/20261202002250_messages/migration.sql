-- CreateTable
CREATE TABLE "messages" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sdk_app_id" TEXT NOT NULL,
    "from_account" TEXT NOT NULL,
    "to_account" TEXT NOT NULL,
    "msg_key" TEXT NOT NULL,
    "msg_time" DATETIME,
    "received_at" DATETIME NOT NULL,
    "content" BLOB,
    "content_key_id" TEXT
);

-- CreateTable
CREATE TABLE "user_message_hours" (
    "sdk_app_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "hour_start" DATETIME NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("sdk_app_id", "user_id", "hour_start")
);

-- CreateIndex
CREATE INDEX "messages_received_idx" ON "messages"("received_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "messages_identity_key" ON "messages"("sdk_app_id", "from_account", "to_account", "msg_key");

-- CreateIndex
CREATE INDEX "user_message_hours_hour_idx" ON "user_message_hours"("hour_start", "sdk_app_id", "user_id", "sent");
