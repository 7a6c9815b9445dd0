// A fast seeder for benchmarks at millions of recalls. `npm run seed` goes through the receiver's
// writer (~2,300 recalls/s: 71 min for 10M); this writes the same generated recalls (scripts/
// seed-data.ts, the generator both share) with batched prepared inserts, the recall indexes
// dropped during the load and rebuilt after, and then rebuilds every aggregate table by recounting
// the recalls in SQL, so the aggregates are exactly what the receiver would have built for them.
import { parseFlags, runScript, UsageError } from "./cli";
import { seedPlan } from "./seed-data";

const USAGE = `
Usage: npm run seed:bulk -- [--recalls <n>] [--users <n>] [--days <n>] [--sdkappid <id>] [--seed <n>] [--end <iso time>]

Adds <recalls> recalls (default 1000000) among <users> users (default 20000), received over the
<days> days (default 90) before --end (default now), to the database named by DATABASE_URL
(default file:./data/recall-monitor.db; migrations are applied first), then rebuilds user_stats,
user_hourly_counts, user_daily_counts and recall_hourly_counts from all recalls in the database. The recalls have
the distributions of \`npm run seed\` (the same generator); only the write path differs.

For benchmarks and load tests, not for a database the receiver is writing to: it drops the recall
indexes while loading, and on SQLite turns the journal off (a crash mid-way leaves a broken file;
bench/ seeds into a temporary name and renames it when done).

  --recalls <n>   recalls to add (default 1000000)
  --users <n>     distinct users (default 20000, at least 2)
  --days <n>      spread receivedAt over <n> days (default 90)
  --sdkappid <id> the app (default 1400000000)
  --seed <n>      random seed, for a reproducible data set (default 1)
  --end <time>    the newest receivedAt (default now)

Example: DATABASE_URL=file:./bench/.cache/10m.db npm run seed:bulk -- --recalls 10000000
`;

const BATCH = 100_000;
const PG_STATEMENT_ROWS = 5_000;

const positive = (flags: Map<string, string>, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER) => {
  const text = flags.get(name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}`);
  return Number(text);
};

type Phase = (name: string, work: () => Promise<void> | void) => Promise<void>;

const phases: { name: string; seconds: number }[] = [];
const phase: Phase = async (name, work) => {
  const started = performance.now();
  await work();
  const seconds = (performance.now() - started) / 1000;
  phases.push({ name, seconds });
  console.log(`  ${name}: ${seconds.toFixed(1)} s`);
};

runScript(USAGE, async (args) => {
  const flags = parseFlags(args, ["recalls", "users", "days", "sdkappid", "seed", "end"]);
  const recalls = positive(flags, "recalls", 1_000_000);
  const users = positive(flags, "users", 20_000);
  if (users < 2) throw new UsageError("--users must be at least 2 (a recall has a sender and a recipient)");
  const days = positive(flags, "days", 90, 3650);
  const seed = positive(flags, "seed", 1);
  const sdkAppId = flags.get("sdkappid") ?? "1400000000";
  if (!/^\d{1,20}$/.test(sdkAppId)) throw new UsageError("--sdkappid must be a numeric SDKAppID");
  const endText = flags.get("end");
  const end = endText === undefined ? Date.now() : Date.parse(endText);
  if (Number.isNaN(end)) throw new UsageError("--end must be an ISO time");

  const { config } = await import("@/lib/config");
  const { applyMigrations } = await import("@/lib/db/migrations");
  await applyMigrations(config.database);
  const plan = seedPlan({ recalls, users, days, seed, sdkAppId, end });
  console.log(
    `Bulk-seeding ${recalls.toLocaleString("en")} recalls among ${users.toLocaleString("en")} users over ${days} days into ${config.database.dialect}, app ${sdkAppId}, seed ${seed}`,
  );
  const started = performance.now();
  if (config.database.dialect === "sqlite") await seedSqlite(config.database.file, recalls, plan);
  else await seedPostgres(config.database.url, recalls, plan);
  const seconds = (performance.now() - started) / 1000;
  console.log(`Done in ${seconds.toFixed(1)} s (${Math.round(recalls / seconds).toLocaleString("en")} recalls/s overall).`);
  console.log(`  receivedAt from ${new Date(plan.start).toISOString()} to ${new Date(plan.lastTime()).toISOString()}`);
});

type Plan = ReturnType<typeof seedPlan>;

const progress = (done: number, total: number, started: number) => {
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `    ${Math.round((done / total) * 100)
      .toString()
      .padStart(3)}%  ${done.toLocaleString("en")}  ${Math.round(done / seconds).toLocaleString("en")}/s`,
  );
};

// Stored exactly as the receiver stores times on SQLite (lib/recalls/sqlite-writer.ts).
const sqliteTime = (d: Date | null) => (d === null ? null : d.toISOString().replace("Z", "+00:00"));
// The hour bucket of a stored time, in the same text form.
const SQLITE_HOUR = "substr(received_at, 1, 13) || ':00:00.000+00:00'";

async function seedSqlite(file: string, recalls: number, plan: Plan) {
  const { default: Database } = await import("better-sqlite3");
  const db = new Database(file);
  db.pragma("journal_mode = OFF");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1000000");
  const indexes = db
    .prepare("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'recalls' AND sql IS NOT NULL")
    .all() as { name: string; sql: string }[];
  await phase(`drop ${indexes.length} recall indexes`, () => {
    for (const i of indexes) db.exec(`DROP INDEX "${i.name}"`);
  });
  const insert = db.prepare(
    `INSERT INTO recalls (sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at,
                          opt_platform_raw, opt_platform, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const load = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const r = plan.next(i);
      insert.run(
        r.sdkAppId,
        r.fromAccount,
        r.toAccount,
        r.msgKey,
        r.unreadMsgNum,
        sqliteTime(r.eventTime),
        sqliteTime(r.receivedAt),
        r.optPlatformRaw,
        r.optPlatform,
        r.clientIp,
      );
    }
  });
  await phase("insert recalls (one transaction per 100k)", () => {
    const started = performance.now();
    for (let from = 0; from < recalls; from += BATCH) {
      load(from, Math.min(recalls, from + BATCH));
      if ((from / BATCH) % 10 === 9 || from + BATCH >= recalls) progress(Math.min(recalls, from + BATCH), recalls, started);
    }
  });
  await phase("rebuild recall indexes", () => {
    for (const i of indexes) db.exec(i.sql);
  });
  await phase("recount user_hourly_counts", () => {
    db.exec("DELETE FROM user_hourly_counts");
    db.exec(`INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
      SELECT sdk_app_id, user_id, hour_start, SUM(sent), SUM(received) FROM (
        SELECT sdk_app_id, from_account AS user_id, ${SQLITE_HOUR} AS hour_start, 1 AS sent, 0 AS received FROM recalls
        UNION ALL
        SELECT sdk_app_id, to_account, ${SQLITE_HOUR}, 0, 1 FROM recalls
      ) GROUP BY sdk_app_id, user_id, hour_start`);
  });
  await phase("recount user_daily_counts", () => {
    db.exec("DELETE FROM user_daily_counts");
    db.exec(`INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received)
      SELECT sdk_app_id, user_id, substr(hour_start, 1, 10) || 'T00:00:00.000+00:00', SUM(sent), SUM(received)
      FROM user_hourly_counts GROUP BY sdk_app_id, user_id, substr(hour_start, 1, 10)`);
  });
  await phase("recount recall_hourly_counts", () => {
    db.exec("DELETE FROM recall_hourly_counts");
    db.exec(`INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls)
      SELECT sdk_app_id, ${SQLITE_HOUR}, COALESCE(opt_platform, ''), COUNT(*) FROM recalls GROUP BY 1, 2, 3`);
  });
  await phase("recount user_stats", () => {
    db.exec("DELETE FROM user_stats");
    db.exec(`INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_recall_at)
      SELECT sdk_app_id, user_id, SUM(sent), SUM(received), MAX(received_at) FROM (
        SELECT sdk_app_id, from_account AS user_id, 1 AS sent, 0 AS received, received_at FROM recalls
        UNION ALL
        SELECT sdk_app_id, to_account, 0, 1, received_at FROM recalls
      ) GROUP BY sdk_app_id, user_id`);
    // The receiver keeps the UnreadMsgNum of the latest received recall that carried one (the later
    // row wins a tie in receivedAt).
    db.exec(`UPDATE user_stats SET (last_unread_msg_num, last_unread_at) = (
        SELECT unread_msg_num, received_at FROM recalls r
        WHERE r.to_account = user_stats.user_id AND +r.sdk_app_id = user_stats.sdk_app_id AND r.unread_msg_num IS NOT NULL
        ORDER BY received_at DESC, id DESC LIMIT 1)`);
  });
  // No ANALYZE: the app never runs it, so a database the receiver filled has no planner statistics,
  // and with them SQLite picks other plans (skip-scans of primary keys) than it does in production.
  db.pragma("journal_mode = WAL");
  db.close();
}

// PostgreSQL's timestamp(3) columns hold UTC without a zone, as Prisma writes them.
const pgTime = (d: Date | null) => (d === null ? null : d.toISOString().slice(0, -1));

async function seedPostgres(url: string, recalls: number, plan: Plan) {
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, application_name: "recall-monitor-seed-bulk" });
  await client.connect();
  try {
    await client.query("SET synchronous_commit = off");
    await client.query("SET maintenance_work_mem = '512MB'");
    // The recounts group tens of millions of rows: in memory rather than spilled to disk in batches.
    await client.query("SET work_mem = '1GB'");
    const { rows: indexes } = await client.query<{ indexname: string; indexdef: string }>(
      "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'recalls' AND indexname <> 'recalls_pkey'",
    );
    await phase(`drop ${indexes.length} recall indexes`, async () => {
      for (const i of indexes) await client.query(`DROP INDEX "${i.indexname}"`);
    });
    const insert = `INSERT INTO recalls (sdk_app_id, from_account, to_account, msg_key, unread_msg_num, event_time, received_at,
                                         opt_platform_raw, opt_platform, client_ip)
      SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::timestamp[], $7::timestamp[],
                           $8::text[], $9::text[], $10::text[])`;
    await phase("insert recalls (one transaction per 100k)", async () => {
      const started = performance.now();
      for (let from = 0; from < recalls; from += BATCH) {
        await client.query("BEGIN");
        for (let at = from; at < Math.min(recalls, from + BATCH); at += PG_STATEMENT_ROWS) {
          const cols: unknown[][] = Array.from({ length: 10 }, () => []);
          for (let i = at; i < Math.min(recalls, from + BATCH, at + PG_STATEMENT_ROWS); i++) {
            const r = plan.next(i);
            const row = [
              r.sdkAppId,
              r.fromAccount,
              r.toAccount,
              r.msgKey,
              r.unreadMsgNum,
              pgTime(r.eventTime),
              pgTime(r.receivedAt),
              r.optPlatformRaw,
              r.optPlatform,
              r.clientIp,
            ];
            for (let c = 0; c < 10; c++) cols[c]?.push(row[c]);
          }
          await client.query(insert, cols);
        }
        await client.query("COMMIT");
        if ((from / BATCH) % 10 === 9 || from + BATCH >= recalls) progress(Math.min(recalls, from + BATCH), recalls, started);
      }
    });
    await phase("rebuild recall indexes", async () => {
      for (const i of indexes) await client.query(i.indexdef);
    });
    await phase("recount user_hourly_counts", async () => {
      await client.query("TRUNCATE user_hourly_counts");
      await client.query(`INSERT INTO user_hourly_counts (sdk_app_id, user_id, hour_start, sent, received)
        SELECT sdk_app_id, user_id, hour_start, SUM(sent), SUM(received) FROM (
          SELECT sdk_app_id, from_account AS user_id, date_trunc('hour', received_at) AS hour_start, 1 AS sent, 0 AS received FROM recalls
          UNION ALL
          SELECT sdk_app_id, to_account, date_trunc('hour', received_at), 0, 1 FROM recalls
        ) AS roles GROUP BY sdk_app_id, user_id, hour_start`);
    });
    await phase("recount user_daily_counts", async () => {
      await client.query("TRUNCATE user_daily_counts");
      await client.query(`INSERT INTO user_daily_counts (sdk_app_id, user_id, day_start, sent, received)
        SELECT sdk_app_id, user_id, date_trunc('day', hour_start), SUM(sent), SUM(received)
        FROM user_hourly_counts GROUP BY sdk_app_id, user_id, date_trunc('day', hour_start)`);
    });
    await phase("recount recall_hourly_counts", async () => {
      await client.query("TRUNCATE recall_hourly_counts");
      await client.query(`INSERT INTO recall_hourly_counts (sdk_app_id, hour_start, opt_platform, recalls)
        SELECT sdk_app_id, date_trunc('hour', received_at), COALESCE(opt_platform, ''), COUNT(*) FROM recalls GROUP BY 1, 2, 3`);
    });
    await phase("recount user_stats", async () => {
      await client.query("TRUNCATE user_stats");
      await client.query(`INSERT INTO user_stats (sdk_app_id, user_id, recalls_sent, recalls_received, last_unread_msg_num, last_unread_at, last_recall_at)
        SELECT h.sdk_app_id, h.user_id, h.sent, h.received, u.unread_msg_num, u.received_at, h.last
        FROM (
          SELECT sdk_app_id, user_id, SUM(sent) AS sent, SUM(received) AS received, MAX(received_at) AS last FROM (
            SELECT sdk_app_id, from_account AS user_id, 1 AS sent, 0 AS received, received_at FROM recalls
            UNION ALL
            SELECT sdk_app_id, to_account, 0, 1, received_at FROM recalls
          ) AS roles GROUP BY 1, 2) AS h
        LEFT JOIN LATERAL (
          SELECT unread_msg_num, received_at FROM recalls r
          WHERE r.to_account = h.user_id AND r.sdk_app_id || '' = h.sdk_app_id AND r.unread_msg_num IS NOT NULL
          ORDER BY received_at DESC, id DESC LIMIT 1) AS u ON true`);
    });
    // Sets the visibility map (index-only scans) and the planner's statistics, as autovacuum would
    // have on a table that grew over months.
    await phase("vacuum analyze", async () => {
      for (const table of ["recalls", "user_stats", "user_hourly_counts", "user_daily_counts", "recall_hourly_counts"])
        await client.query(`VACUUM ANALYZE ${table}`);
    });
  } finally {
    await client.end();
  }
}
