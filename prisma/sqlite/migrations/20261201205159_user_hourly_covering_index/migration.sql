-- DropIndex
DROP INDEX "user_hourly_hour_idx";

-- CreateIndex
CREATE INDEX "user_hourly_hour_idx" ON "user_hourly_counts"("hour_start", "sdk_app_id", "user_id", "sent", "received");
