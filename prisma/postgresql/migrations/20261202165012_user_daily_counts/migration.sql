-- CreateTable
CREATE TABLE "user_daily_counts" (
    "sdk_app_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "day_start" TIMESTAMP(3) NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "user_daily_counts_pkey" PRIMARY KEY ("sdk_app_id","user_id","day_start")
);

-- CreateIndex
CREATE INDEX "user_daily_day_idx" ON "user_daily_counts"("day_start", "sdk_app_id", "user_id", "sent", "received");

-- Backfill: each user's days are the sums of their hours (timestamp(3) holds UTC, so the UTC day).
INSERT INTO "user_daily_counts" ("sdk_app_id", "user_id", "day_start", "sent", "received")
SELECT "sdk_app_id", "user_id", date_trunc('day', "hour_start"), SUM("sent"), SUM("received")
FROM "user_hourly_counts"
GROUP BY "sdk_app_id", "user_id", date_trunc('day', "hour_start");
