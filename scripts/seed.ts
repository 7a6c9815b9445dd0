// Fills the configured database with realistic recalls, through the receiver's own writer
// (batchWriterFor), so that every aggregate table is exactly what live callbacks would have built.

import { parseFlags, runScript, UsageError } from "./cli";
import { seedPlan } from "./seed-data";

const USAGE = `
Usage: npm run seed -- [--recalls <n>] [--users <n>] [--days <n>] [--sdkappid <id>] [--seed <n>] [--batch <n>]

Adds <recalls> recalls (default 10000) among <users> users (default 1000), received over the last
<days> days (default 30) in time order, to the database named by DATABASE_URL (default
file:./data/recall-monitor.db; migrations are applied first). Existing rows are kept.

The data is shaped like production: a few heavy recallers (Zipf-distributed senders), recipients
drawn mostly from each sender's own contacts, per-recipient unread counts that drift up and fall
back when read, the real OptPlatform values (per-user, normalised as at ingest), client IPs, a
daily rhythm, and an EventTime on most recalls.

  --recalls <n>   recalls to add (default 10000)
  --users <n>     distinct users (default 1000, at least 2)
  --days <n>      spread receivedAt over the last <n> days, ending now (default 30)
  --sdkappid <id> the app (default: first of IM_SDKAPPID, else 1400000000)
  --seed <n>      random seed, for a reproducible data set (default 1)
  --batch <n>     recalls per transaction (default 1000, max 2000)

Example: npm run seed -- --recalls 1000000 --users 20000 --days 90
`;

export { zipf } from "./seed-data";

const positive = (flags: Map<string, string>, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  const text = flags.get(name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(text);
};

runScript(USAGE, async (args) => {
  const flags = parseFlags(args, ["recalls", "users", "days", "sdkappid", "seed", "batch"]);
  const recalls = positive(flags, "recalls", 10_000);
  const users = positive(flags, "users", 1_000);
  if (users < 2) throw new UsageError("--users must be at least 2 (a recall has a sender and a recipient)");
  const days = positive(flags, "days", 30, 3650);
  const seed = positive(flags, "seed", 1);
  const batchSize = positive(flags, "batch", 1_000, 2_000);

  const { config } = await import("@/lib/config");
  const sdkAppId = flags.get("sdkappid") ?? config.im.sdkAppIds[0] ?? "1400000000";
  if (!/^\d{1,20}$/.test(sdkAppId)) throw new UsageError("--sdkappid must be a numeric SDKAppID");
  const { applyMigrations } = await import("@/lib/db/migrations");
  const { connectDb } = await import("@/lib/db/client");
  const { batchWriterFor } = await import("@/lib/recalls/ingest");
  type NewRecall = import("@/lib/recalls/new-recall").NewRecall;

  await applyMigrations(config.database);
  const db = await connectDb(config.database);
  const write = batchWriterFor(config.database, async () => db);

  const plan = seedPlan({ recalls, users, days, seed, sdkAppId });
  const { start } = plan;

  console.log(
    `Seeding ${recalls.toLocaleString("en")} recalls among ${users.toLocaleString("en")} users over ${days} days into ${config.database.dialect} (${config.database.dialect === "sqlite" ? config.database.file : "DATABASE_URL"}), app ${sdkAppId}, seed ${seed}`,
  );
  const started = performance.now();
  let stored = 0;
  let duplicates = 0;
  let nextReport = 0.05;
  for (let from = 0; from < recalls; from += batchSize) {
    const batch: NewRecall[] = [];
    for (let i = from; i < Math.min(recalls, from + batchSize); i++) batch.push(plan.next(i));
    const outcomes = await write(batch, []);
    for (const o of outcomes) o.outcome === "stored" ? stored++ : duplicates++;
    const done = (from + batch.length) / recalls;
    if (done >= nextReport || done === 1) {
      const seconds = (performance.now() - started) / 1000;
      console.log(
        `  ${Math.round(done * 100)
          .toString()
          .padStart(
            3,
          )}%  ${(from + batch.length).toLocaleString("en")} recalls  ${Math.round((from + batch.length) / seconds).toLocaleString("en")}/s`,
      );
      while (nextReport <= done) nextReport += 0.05;
    }
  }
  const seconds = (performance.now() - started) / 1000;

  const top = await db.userStats.findMany({ where: { sdkAppId }, orderBy: [{ recallsSent: "desc" }], take: 3 });
  const [userCount, total] = await Promise.all([db.userStats.count({ where: { sdkAppId } }), db.recall.count()]);
  console.log(`Done in ${seconds.toFixed(1)} s (${Math.round(stored / seconds).toLocaleString("en")} recalls/s).`);
  console.log(
    `  stored ${stored.toLocaleString("en")} recalls, ${duplicates} duplicates skipped; database now holds ${total.toLocaleString("en")}`,
  );
  console.log(
    `  ${userCount.toLocaleString("en")} users in app ${sdkAppId}; heaviest senders: ${top.map((u) => `${u.userId} (${u.recallsSent})`).join(", ")}`,
  );
  console.log(`  receivedAt from ${new Date(start).toISOString()} to ${new Date(plan.lastTime()).toISOString()}`);
  await db.$disconnect();
});
