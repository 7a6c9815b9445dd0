-- CreateTable
CREATE TABLE "alert_rules" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "params" TEXT NOT NULL,
    "apps" TEXT NOT NULL,
    "channel_ids" TEXT NOT NULL,
    "cooldown_minutes" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "rule_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "open_key" TEXT,
    "status" TEXT NOT NULL,
    "fired_at" DATETIME NOT NULL,
    "resolved_at" DATETIME,
    "detail" TEXT NOT NULL,
    "acknowledged_at" DATETIME,
    "acknowledged_by" TEXT,
    CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "alert_channels" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "settings" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "rate_per_minute" INTEGER NOT NULL,
    "created_at" DATETIME NOT NULL,
    "updated_at" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "alert_notifications" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel_id" INTEGER NOT NULL,
    "alert_id" INTEGER,
    "event" TEXT NOT NULL,
    "created_at" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" DATETIME NOT NULL,
    "sent_at" DATETIME,
    "delivery_id" INTEGER,
    CONSTRAINT "alert_notifications_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "alert_channels" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    "channel_id" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "status" TEXT NOT NULL,
    "response_code" INTEGER,
    "error" TEXT,
    "notifications" INTEGER NOT NULL,
    CONSTRAINT "alert_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "alert_channels" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateTable
CREATE TABLE "alert_callback_minutes" (
    "sdk_app_id" TEXT NOT NULL,
    "minute_start" DATETIME NOT NULL,
    "callbacks" INTEGER NOT NULL DEFAULT 0,
    "recalls" INTEGER NOT NULL DEFAULT 0,
    "recalls_503" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("sdk_app_id", "minute_start")
);

-- CreateTable
CREATE TABLE "alert_leases" (
    "name" TEXT NOT NULL PRIMARY KEY,
    "owner" TEXT NOT NULL,
    "until_ms" BIGINT NOT NULL
);

-- CreateIndex
CREATE UNIQUE INDEX "alerts_open_key" ON "alerts"("open_key");

-- CreateIndex
CREATE INDEX "alerts_status_idx" ON "alerts"("status", "fired_at");

-- CreateIndex
CREATE INDEX "alerts_rule_subject_idx" ON "alerts"("rule_id", "subject", "resolved_at");

-- CreateIndex
CREATE INDEX "alerts_fired_idx" ON "alerts"("fired_at", "id");

-- CreateIndex
CREATE INDEX "alert_notifications_due_idx" ON "alert_notifications"("status", "next_attempt_at");

-- CreateIndex
CREATE INDEX "alert_notifications_channel_idx" ON "alert_notifications"("channel_id", "status");

-- CreateIndex
CREATE INDEX "alert_deliveries_channel_idx" ON "alert_deliveries"("channel_id", "at");

-- CreateIndex
CREATE INDEX "alert_callback_minutes_minute_idx" ON "alert_callback_minutes"("minute_start");
