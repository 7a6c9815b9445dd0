-- CreateTable
CREATE TABLE "alert_rules" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "params" TEXT NOT NULL,
    "apps" TEXT NOT NULL,
    "channel_ids" TEXT NOT NULL,
    "cooldown_minutes" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" SERIAL NOT NULL,
    "rule_id" INTEGER NOT NULL,
    "subject" TEXT NOT NULL,
    "open_key" TEXT,
    "status" TEXT NOT NULL,
    "fired_at" TIMESTAMP(3) NOT NULL,
    "resolved_at" TIMESTAMP(3),
    "detail" TEXT NOT NULL,
    "acknowledged_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_channels" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "language" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "settings" TEXT NOT NULL,
    "secret" TEXT NOT NULL,
    "rate_per_minute" INTEGER NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_notifications" (
    "id" SERIAL NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "alert_id" INTEGER,
    "event" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "next_attempt_at" TIMESTAMP(3) NOT NULL,
    "sent_at" TIMESTAMP(3),
    "delivery_id" INTEGER,

    CONSTRAINT "alert_notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_deliveries" (
    "id" SERIAL NOT NULL,
    "channel_id" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "response_code" INTEGER,
    "error" TEXT,
    "notifications" INTEGER NOT NULL,

    CONSTRAINT "alert_deliveries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_callback_minutes" (
    "sdk_app_id" TEXT NOT NULL,
    "minute_start" TIMESTAMP(3) NOT NULL,
    "callbacks" INTEGER NOT NULL DEFAULT 0,
    "recalls" INTEGER NOT NULL DEFAULT 0,
    "recalls_503" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "alert_callback_minutes_pkey" PRIMARY KEY ("sdk_app_id","minute_start")
);

-- CreateTable
CREATE TABLE "alert_leases" (
    "name" TEXT NOT NULL,
    "owner" TEXT NOT NULL,
    "until_ms" BIGINT NOT NULL,

    CONSTRAINT "alert_leases_pkey" PRIMARY KEY ("name")
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

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_notifications" ADD CONSTRAINT "alert_notifications_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "alert_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_deliveries" ADD CONSTRAINT "alert_deliveries_channel_id_fkey" FOREIGN KEY ("channel_id") REFERENCES "alert_channels"("id") ON DELETE CASCADE ON UPDATE CASCADE;
