// The recalls `npm run seed` and `npm run seed:bulk` generate: one generator, so that the bulk
// seeder's data has exactly the distributions of the receiver-path seeder (same seed, same rows).

import { normalisePlatform } from "@/lib/im/platform";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { createRng } from "@/lib/simulator/traffic";

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

export type SeedOptions = { recalls: number; users: number; days: number; seed: number; sdkAppId: string; end?: number };

/**
 * The recalls, in receivedAt order. Shaped like production: a few heavy recallers (Zipf-distributed
 * senders), recipients drawn mostly from each sender's own contacts, per-recipient unread counts that
 * drift up and fall back when read, the real OptPlatform values (per-user, normalised as at ingest),
 * client IPs, a daily rhythm, and an EventTime on most recalls.
 */
export function seedPlan(options: SeedOptions) {
  const { recalls, users, days, seed, sdkAppId } = options;
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
  const names = Array.from({ length: users }, (_, i) => userId(i));

  // A daily rhythm (quiet at 04:00 UTC, busy in the afternoon): receivedAt follows the cumulative
  // weight of the hours in the range, so increasing uniform draws give times in order.
  const end = options.end ?? Date.now();
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
  let lastTime = 0;
  /** Recall number i (call with i = 0, 1, 2, ... in order: the draws are sequential). */
  const next = (i: number): NewRecall => {
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
    return {
      sdkAppId,
      fromAccount: names[sender] ?? userId(sender),
      toAccount: names[recipient] ?? userId(recipient),
      msgKey: `${Math.floor(random() * 90_000) + 10_000}_${runTag}${i}_${Math.floor(receivedAt.getTime() / 1000)}`,
      unreadMsgNum: random() < 0.03 ? null : u,
      eventTime: random() < 0.6 ? new Date(receivedAt.getTime() - 50 - Math.floor(random() * 1_500)) : null,
      receivedAt,
      optPlatformRaw: raw,
      optPlatform: normalisePlatform(raw),
      clientIp: random() < 0.97 ? (ipOf[sender] ?? null) : null,
    };
  };
  return { start, end, next, lastTime: () => lastTime };
}
