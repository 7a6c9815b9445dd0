-- CreateTable
CREATE TABLE "recalls" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "sdk_app_id" TEXT NOT NULL,
    "from_account" TEXT NOT NULL,
    "to_account" TEXT NOT NULL,
    "msg_key" TEXT NOT NULL,
    "unread_msg_num" INTEGER,
    "event_time" DATETIME,
    "received_at" DATETIME NOT NULL,
    "opt_platform_raw" TEXT,
    "opt_platform" TEXT,
    "client_ip" TEXT
);

-- CreateTable
CREATE TABLE "user_stats" (
    "sdk_app_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "recalls_sent" INTEGER NOT NULL DEFAULT 0,
    "recalls_received" INTEGER NOT NULL DEFAULT 0,
    "last_unread_msg_num" INTEGER,
    "last_unread_at" DATETIME,
    "last_recall_at" DATETIME NOT NULL,

    PRIMARY KEY ("sdk_app_id", "user_id")
);

-- CreateTable
CREATE TABLE "user_hourly_counts" (
    "sdk_app_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "hour_start" DATETIME NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("sdk_app_id", "user_id", "hour_start")
);

-- CreateTable
CREATE TABLE "recall_hourly_counts" (
    "sdk_app_id" TEXT NOT NULL,
    "hour_start" DATETIME NOT NULL,
    "opt_platform" TEXT NOT NULL,
    "recalls" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("sdk_app_id", "hour_start", "opt_platform")
);

-- CreateTable
CREATE TABLE "callback_counts" (
    "sdk_app_id" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "count" BIGINT NOT NULL DEFAULT 0,
    "last_received_at" DATETIME NOT NULL,

    PRIMARY KEY ("sdk_app_id", "command")
);

-- CreateIndex
CREATE INDEX "recalls_received_idx" ON "recalls"("received_at", "id");

-- CreateIndex
CREATE INDEX "recalls_from_idx" ON "recalls"("from_account", "received_at", "id");

-- CreateIndex
CREATE INDEX "recalls_to_idx" ON "recalls"("to_account", "received_at", "id");

-- CreateIndex
CREATE INDEX "recalls_platform_idx" ON "recalls"("opt_platform", "received_at", "id");

-- CreateIndex
CREATE INDEX "recalls_client_ip_idx" ON "recalls"("client_ip", "received_at", "id");

-- CreateIndex
CREATE INDEX "recalls_msg_key_idx" ON "recalls"("msg_key");

-- CreateIndex
CREATE INDEX "recalls_app_idx" ON "recalls"("sdk_app_id", "received_at", "id");

-- CreateIndex
CREATE UNIQUE INDEX "recalls_identity_key" ON "recalls"("sdk_app_id", "from_account", "to_account", "msg_key");

-- CreateIndex
CREATE INDEX "user_stats_user_idx" ON "user_stats"("user_id");

-- CreateIndex
CREATE INDEX "user_stats_sent_idx" ON "user_stats"("recalls_sent", "user_id");

-- CreateIndex
CREATE INDEX "user_stats_received_idx" ON "user_stats"("recalls_received", "user_id");

-- CreateIndex
CREATE INDEX "user_stats_unread_idx" ON "user_stats"("last_unread_msg_num", "user_id");

-- CreateIndex
CREATE INDEX "user_stats_last_recall_idx" ON "user_stats"("last_recall_at", "user_id");

-- CreateIndex
CREATE INDEX "user_hourly_user_idx" ON "user_hourly_counts"("user_id", "hour_start");

-- CreateIndex
CREATE INDEX "user_hourly_hour_idx" ON "user_hourly_counts"("hour_start");

-- CreateIndex
CREATE INDEX "recall_hourly_hour_idx" ON "recall_hourly_counts"("hour_start");
