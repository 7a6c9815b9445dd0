-- CreateTable
CREATE TABLE "user_daily_counts" (
    "sdk_app_id" TEXT NOT NULL,
    "user_id" TEXT NOT NULL,
    "day_start" DATETIME NOT NULL,
    "sent" INTEGER NOT NULL DEFAULT 0,
    "received" INTEGER NOT NULL DEFAULT 0,

    PRIMARY KEY ("sdk_app_id", "user_id", "day_start")
);

-- CreateIndex
CREATE INDEX "user_daily_day_idx" ON "user_daily_counts"("day_start", "sdk_app_id", "user_id", "sent", "received");

-- Backfill: each user's days are the sums of their hours. Stored times are ISO text
-- ("2026-12-01T10:00:00.000+00:00"), so the UTC day is the text's date part.
INSERT INTO "user_daily_counts" ("sdk_app_id", "user_id", "day_start", "sent", "received")
SELECT "sdk_app_id", "user_id", substr("hour_start", 1, 10) || 'T00:00:00.000+00:00', SUM("sent"), SUM("received")
FROM "user_hourly_counts"
GROUP BY "sdk_app_id", "user_id", substr("hour_start", 1, 10);
