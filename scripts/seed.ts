// Fills the configured database with realistic recalls, through the receiver's own writer
// (batchWriterFor), so that every aggregate table is exactly what live callbacks would have built.
import { createRng } from "@/lib/simulator/traffic";
import { parseFlags, runScript, UsageError } from "./cli";

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

/** Samples ranks 0..n-1 with P(k) proportional to 1/(k+1)^s. */
export function zipf(n: number, s: number, random: () => number): () => number {
  const cdf = new Float64Array(n);
  let sum = 0;
  for (let k = 0; k < n; k++) {
    sum += 1 / (k + 1) ** s;
    cdf[k] = sum;
  }
  return () => {
    const x = random() * sum;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

function shuffled(n: number, random: () => number): Int32Array {
  const a = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = a[i] ?? 0;
    a[i] = a[j] ?? 0;
    a[j] = t;
  }
  return a;
}

// OptPlatform as IM sends it, with rough shares of a mobile-first app.
const PLATFORMS: [raw: string, weight: number][] = [
  ["Android", 40],
  ["iOS", 33],
  ["Web", 10],
  ["Windows", 5],
  ["Mac", 4],
  ["iPad", 4],
  ["RESTAPI", 3],
  ["Unknown", 1],
];

function pickWeighted<T>(items: [T, number][], random: () => number): T {
  const total = items.reduce((n, [, w]) => n + w, 0);
  let x = random() * total;
  for (const [item, w] of items) {
    x -= w;
    if (x < 0) return item;
  }
  return (items.at(-1) as [T, number])[0];
}

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
  const { normalisePlatform } = await import("@/lib/im/platform");
  const { batchWriterFor } = await import("@/lib/recalls/ingest");
  type NewRecall = import("@/lib/recalls/new-recall").NewRecall;

  await applyMigrations(config.database);
  const db = await connectDb(config.database);
  const write = batchWriterFor(config.database, async () => db);

  const random = createRng(seed);
  const width = String(users - 1).length;
  const userId = (i: number) => `user_${String(i).padStart(width, "0")}`;
  // Heaviness is by rank; ranks are shuffled over IDs so that heavy users are spread out.
  const senderOf = shuffled(users, random);
  const recipientOf = shuffled(users, random);
  const sendRank = zipf(users, 1.07, random);
  const receiveRank = zipf(users, 0.9, random);
  const platformOf = Array.from({ length: users }, () => pickWeighted(PLATFORMS, random));
  const ipOf = Array.from({ length: users }, () =>
    random() < 0.7
      ? `${[203, 198, 100, 58, 114][Math.floor(random() * 5)]}.${Math.floor(random() * 256)}.${Math.floor(random() * 256)}.${1 + Math.floor(random() * 254)}`
      : `2001:db8:${Math.floor(random() * 65536).toString(16)}::${Math.floor(random() * 65536).toString(16)}`,
  );
  const contacts = new Map<number, Int32Array>();
  const contactsOf = (u: number) => {
    let c = contacts.get(u);
    if (!c) {
      c = Int32Array.from({ length: 3 + Math.floor(random() * 18) }, () => recipientOf[receiveRank()] ?? 0);
      contacts.set(u, c);
    }
    return c;
  };
  const unread = new Int32Array(users);

  // A daily rhythm (quiet at 04:00 UTC, busy in the afternoon): receivedAt follows the cumulative
  // weight of the hours in the range, so increasing uniform draws give times in order.
  const end = Date.now();
  const start = end - days * 86_400_000;
  const hours = days * 24;
  const hourWeight = new Float64Array(hours);
  let cumulative = 0;
  const firstHour = Math.floor(start / 3_600_000);
  for (let h = 0; h < hours; h++) {
    const hourOfDay = (firstHour + h) % 24;
    cumulative += 1 + 0.8 * Math.sin(((hourOfDay - 10) / 24) * 2 * Math.PI);
    hourWeight[h] = cumulative;
  }
  const timeAt = (u: number) => {
    const x = u * cumulative;
    let lo = 0;
    let hi = hours - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((hourWeight[mid] ?? 0) < x) lo = mid + 1;
      else hi = mid;
    }
    const before = lo === 0 ? 0 : (hourWeight[lo - 1] ?? 0);
    const within = (x - before) / ((hourWeight[lo] ?? 1) - before);
    return Math.min(end, start + (lo + within) * 3_600_000);
  };

  const runTag = `${seed.toString(36)}${Date.now().toString(36)}`;
  console.log(
    `Seeding ${recalls.toLocaleString("en")} recalls among ${users.toLocaleString("en")} users over ${days} days into ${config.database.dialect} (${config.database.dialect === "sqlite" ? config.database.file : "DATABASE_URL"}), app ${sdkAppId}, seed ${seed}`,
  );
  const started = performance.now();
  let stored = 0;
  let duplicates = 0;
  let nextReport = 0.05;
  let lastTime = 0;
  for (let from = 0; from < recalls; from += batchSize) {
    const batch: NewRecall[] = [];
    for (let i = from; i < Math.min(recalls, from + batchSize); i++) {
      const sender = senderOf[sendRank()] ?? 0;
      let recipient = sender;
      for (let tries = 0; recipient === sender && tries < 10; tries++) {
        const own = contactsOf(sender);
        recipient = random() < 0.85 ? (own[Math.floor(random() ** 2 * own.length)] ?? 0) : (recipientOf[receiveRank()] ?? 0);
      }
      if (recipient === sender) recipient = (sender + 1) % users;
      // Unread messages pile up until the recipient reads them.
      const u =
        random() < 0.07
          ? Math.floor(random() * 3)
          : Math.min(9_999, (unread[recipient] ?? 0) + 1 + (random() < 0.3 ? Math.floor(random() * 4) : 0));
      unread[recipient] = u;
      const receivedAt = new Date(Math.max(lastTime, timeAt((i + random()) / recalls)));
      lastTime = receivedAt.getTime();
      const raw = random() < 0.9 ? (platformOf[sender] ?? "Android") : pickWeighted(PLATFORMS, random);
      batch.push({
        sdkAppId,
        fromAccount: userId(sender),
        toAccount: userId(recipient),
        msgKey: `${Math.floor(random() * 90_000) + 10_000}_${runTag}${i}_${Math.floor(receivedAt.getTime() / 1000)}`,
        unreadMsgNum: random() < 0.03 ? null : u,
        eventTime: random() < 0.6 ? new Date(receivedAt.getTime() - 50 - Math.floor(random() * 1_500)) : null,
        receivedAt,
        optPlatformRaw: raw,
        optPlatform: normalisePlatform(raw),
        clientIp: random() < 0.97 ? (ipOf[sender] ?? null) : null,
      });
    }
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
  console.log(`  receivedAt from ${new Date(start).toISOString()} to ${new Date(lastTime).toISOString()}`);
  await db.$disconnect();
});
