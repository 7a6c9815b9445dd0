// Turns a batch of newly stored recalls into the increments for the aggregate tables.
// Pure functions: retention applies the results (negated) when it deletes recalls. The bucket
// and platform key are the ingest path's own (lib/recalls/ingest-sql.ts), so what is subtracted
// is what was added.
import { dayStart, hourStart, platformKey } from "@/lib/recalls/ingest-sql";
import type { NewRecall } from "@/lib/recalls/new-recall";

export { dayStart, hourStart } from "@/lib/recalls/ingest-sql";

export type UserDelta = {
  sdkAppId: string;
  userId: string;
  sent: number;
  received: number;
  lastRecallAt: Date;
  lastUnreadMsgNum: number | null;
  lastUnreadAt: Date | null;
};

export type UserHourDelta = { sdkAppId: string; userId: string; hourStart: Date; sent: number; received: number };
export type UserDayDelta = { sdkAppId: string; userId: string; dayStart: Date; sent: number; received: number };
export type AppHourDelta = { sdkAppId: string; hourStart: Date; optPlatform: string; recalls: number };

const later = (a: Date, b: Date) => (b > a ? b : a);

function upsertInto<T>(map: Map<string, T>, key: string, create: () => T, update: (row: T) => void) {
  let row = map.get(key);
  if (!row) {
    row = create();
    map.set(key, row);
  }
  update(row);
}

// Rows are sorted by key so concurrent writers (several PostgreSQL instances) lock them in the
// same order and cannot deadlock each other.
const sortedValues = <T>(map: Map<string, T>) => [...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);

export function aggregateRecalls(recalls: readonly NewRecall[]) {
  const users = new Map<string, UserDelta>();
  const userHours = new Map<string, UserHourDelta>();
  const userDays = new Map<string, UserDayDelta>();
  const appHours = new Map<string, AppHourDelta>();

  for (const r of recalls) {
    const hour = hourStart(r.receivedAt);
    const day = dayStart(r.receivedAt);
    for (const [userId, role] of [
      [r.fromAccount, "sent"],
      [r.toAccount, "received"],
    ] as const) {
      const userKey = `${r.sdkAppId}\u0000${userId}`;
      upsertInto(
        users,
        userKey,
        () => ({
          sdkAppId: r.sdkAppId,
          userId,
          sent: 0,
          received: 0,
          lastRecallAt: r.receivedAt,
          lastUnreadMsgNum: null,
          lastUnreadAt: null,
        }),
        (u) => {
          u[role] += 1;
          u.lastRecallAt = later(u.lastRecallAt, r.receivedAt);
          // UnreadMsgNum is To_Account's count: only the recipient's latest value is kept.
          if (role === "received" && r.unreadMsgNum !== null && (u.lastUnreadAt === null || r.receivedAt >= u.lastUnreadAt)) {
            u.lastUnreadMsgNum = r.unreadMsgNum;
            u.lastUnreadAt = r.receivedAt;
          }
        },
      );
      upsertInto(
        userHours,
        `${userKey}\u0000${hour.getTime()}`,
        () => ({ sdkAppId: r.sdkAppId, userId, hourStart: hour, sent: 0, received: 0 }),
        (h) => {
          h[role] += 1;
        },
      );
      upsertInto(
        userDays,
        `${userKey}\u0000${day.getTime()}`,
        () => ({ sdkAppId: r.sdkAppId, userId, dayStart: day, sent: 0, received: 0 }),
        (d) => {
          d[role] += 1;
        },
      );
    }
    const platform = platformKey(r.optPlatform);
    upsertInto(
      appHours,
      `${r.sdkAppId}\u0000${hour.getTime()}\u0000${platform}`,
      () => ({ sdkAppId: r.sdkAppId, hourStart: hour, optPlatform: platform, recalls: 0 }),
      (h) => {
        h.recalls += 1;
      },
    );
  }
  return {
    users: sortedValues(users),
    userHours: sortedValues(userHours),
    userDays: sortedValues(userDays),
    appHours: sortedValues(appHours),
  };
}
