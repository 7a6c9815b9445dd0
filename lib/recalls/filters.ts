// The one filter schema of the recall log: the JSON API, the live stream, the CSV export and the
// pages' URLs all use these names and this validation. Built from reusable pieces (date range,
// paging, single filters) that the users and overview APIs share.
import { z } from "zod";
import { cursorParam } from "@/lib/api/cursor";
import type { Prisma } from "@/lib/db/client";
import { normalisePlatform } from "@/lib/im/platform";
import { EVENT_ID_EXPECTED, parseEventId } from "@/lib/recalls/stream-cursor";

// ---- pieces -------------------------------------------------------------------------------

// The instants a date parameter may name, in UTC: PostgreSQL has no year 0 (22008, a 500), so
// neither may a time zone offset reach it ("0001-01-01T00:00+08:00") nor a default range derived
// from an early `until` (see rangeStart).
const EARLIEST_MS = new Date("0001-01-01T00:00:00Z").getTime();
const LATEST_MS = new Date("9999-12-31T23:59:59.999Z").getTime();
/**
 * The open end of a range without `until`. Not a larger date: SQLite compares stored times as ISO
 * text, where a year past 9999 ("+010000-...") sorts before every four-digit year.
 */
export const LATEST_DATE = new Date(LATEST_MS);

/** `ms` before `until`, but never before year 1, so a default `since` is a date the database can hold. */
export const rangeStart = (until: Date, ms: number) => new Date(Math.max(EARLIEST_MS, until.getTime() - ms));

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * An ISO 8601 date or date-time, e.g. `2026-11-26`, `2026-11-26T09:00:00Z`,
 * `2026-11-26T17:00+08:00`. Without an offset the time is taken as UTC (never the server's zone).
 */
export const isoDateTime = z.string().transform((text, ctx) => {
  const m = ISO_8601.exec(text.trim());
  const invalid = () => {
    ctx.addIssue({ code: "custom", message: "expected an ISO 8601 date or date-time, e.g. 2026-11-26T09:00:00Z" });
    return z.NEVER;
  };
  if (!m) return invalid();
  const [, y, mo, d, h = "00", mi = "00", s = "00", zone] = m;
  // Year 0000 is valid ISO 8601 (1 BC) and a valid JS Date, but PostgreSQL has no year 0.
  if (y === "0000") {
    ctx.addIssue({ code: "custom", message: "expected a year from 0001 to 9999" });
    return z.NEVER;
  }
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return invalid();
  }
  let normalised = text.trim().replace(" ", "T");
  if (!normalised.includes("T")) normalised += "T00:00:00Z";
  else if (!zone) normalised += "Z";
  else if (/^[+-]\d{2}$/.test(zone)) normalised += ":00";
  const at = new Date(normalised);
  if (Number.isNaN(at.getTime())) return invalid();
  if (at.getTime() < EARLIEST_MS || at.getTime() > LATEST_MS) {
    ctx.addIssue({ code: "custom", message: "expected a year from 0001 to 9999" });
    return z.NEVER;
  }
  return at;
});

/** `since` (inclusive) and `until` (exclusive) bound `receivedAt`. */
export const dateRangeShape = {
  since: isoDateTime.optional(),
  until: isoDateTime.optional(),
};

/** Attach to an object schema that has the date-range fields. */
export function sinceNotAfterUntil(value: { since?: Date; until?: Date }, ctx: z.RefinementCtx) {
  if (value.since && value.until && value.since > value.until) {
    ctx.addIssue({ code: "custom", path: ["until"], message: "until must not be before since" });
  }
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 500;

export const limitParam = z
  .string()
  .regex(/^\d+$/, { error: `expected a whole number from 1 to ${MAX_LIMIT}` })
  .transform(Number)
  .pipe(
    z
      .number()
      .int()
      .min(1, { error: "expected at least 1" })
      .max(MAX_LIMIT, { error: `expected at most ${MAX_LIMIT}` }),
  )
  .default(DEFAULT_LIMIT);

/** `limit` (default 50, max 500) and an opaque `cursor` holding whatever `cursorShape` says. */
export function pagingShape<S extends z.ZodType>(cursorShape: S) {
  return { limit: limitParam, cursor: cursorParam(cursorShape).optional() };
}

/** A user ID (IM accounts are any Unicode, up to a few dozen bytes); matched exactly. */
// Only U+0000 is refused: PostgreSQL's text cannot hold it (22021, a 500), and no stored ID has
// one. Other control characters stay searchable: the receiver refuses them today, but recalls
// stored before it did (e.g. a MsgKey with a line break) must still be found and exported.
const noNul = (s: string) => !s.includes("\u0000");
/** `.refine(...NUL_REFUSED)` on a string schema. */
export const NUL_REFUSED = [noNul, { error: "must not contain U+0000 (NUL)" }] as const;

export const userIdParam = z
  .string()
  .min(1)
  .max(256, { error: "expected at most 256 characters" })
  .refine(...NUL_REFUSED);

export const sdkAppIdParam = z
  .string()
  .trim()
  .regex(/^\d{1,20}$/, { error: "expected a numeric SDKAppID, e.g. 1400000000" });

/** Any spelling IM uses (ios, IOS, iOS) selects the one stored, normalised spelling. */
export const platformParam = z
  .string()
  .max(64, { error: "expected at most 64 characters" })
  .transform((v, ctx) => {
    const normalised = normalisePlatform(v);
    if (normalised === null) {
      ctx.addIssue({ code: "custom", message: "expected a platform, e.g. iOS" });
      return z.NEVER;
    }
    return normalised;
  });

export const ipParam = z
  .string()
  .trim()
  .min(1)
  .max(64, { error: "expected at most 64 characters" })
  .refine(...NUL_REFUSED);
export const msgKeyParam = z
  .string()
  .min(1)
  .max(256, { error: "expected at most 256 characters" })
  .refine(...NUL_REFUSED);

/** IM's own platform name for recalls made through its REST API (`admin_msgwithdraw`). */
export const ADMIN_PLATFORM = "RESTAPI";
export const RECALL_KINDS = ["admin", "user"] as const;
/** `admin`: recalled through IM's REST API (OptPlatform=RESTAPI); `user`: by the sender in an app (any other or no platform). */
export const recallKindParam = z.enum(RECALL_KINDS, { error: "expected admin or user" });

// ---- the recall log's filters ---------------------------------------------------------------

/** Field by field, for schemas that add their own fields (e.g. the export's `bom`). */
export const recallFilterShape = {
  /** Either side: sender or recipient. */
  user: userIdParam.optional(),
  from: userIdParam.optional(),
  to: userIdParam.optional(),
  platform: platformParam.optional(),
  ip: ipParam.optional(),
  msgKey: msgKeyParam.optional(),
  sdkAppId: sdkAppIdParam.optional(),
  kind: recallKindParam.optional(),
  ...dateRangeShape,
};

export const recallFiltersSchema = z.object(recallFilterShape).superRefine(sinceNotAfterUntil);
export type RecallFilters = z.output<typeof recallFiltersSchema>;
export type RecallKindFilter = z.output<typeof recallKindParam>;

/** Position after the last row of a page: (receivedAt ms, id), the log's sort key. */
export const recallCursorShape = z.object({ r: z.number().int(), i: z.number().int() });
export type RecallCursor = z.output<typeof recallCursorShape>;

export const recallListQuerySchema = z.object({ ...recallFilterShape, ...pagingShape(recallCursorShape) }).superRefine(sinceNotAfterUntil);
export type RecallListQuery = z.output<typeof recallListQuerySchema>;

/** The stream resumes after `lastEventId` (the `Last-Event-ID` header wins when both are sent). */
export const recallStreamQuerySchema = z
  .object({
    ...recallFilterShape,
    lastEventId: z
      .string()
      .transform((text, ctx) => {
        const point = parseEventId(text);
        if (point) return point;
        ctx.addIssue({ code: "custom", message: EVENT_ID_EXPECTED });
        return z.NEVER;
      })
      .optional(),
  })
  .superRefine(sinceNotAfterUntil);
export type RecallStreamQuery = z.output<typeof recallStreamQuerySchema>;

/**
 * The Prisma `where` for a set of filters. Every filter is an exact match on an indexed column
 * (the platform in its normalised spelling); the range is since <= receivedAt < until.
 */
export function recallWhere(filters: RecallFilters): Prisma.RecallWhereInput {
  const and: Prisma.RecallWhereInput[] = [];
  if (filters.user !== undefined) and.push({ OR: [{ fromAccount: filters.user }, { toAccount: filters.user }] });
  if (filters.from !== undefined) and.push({ fromAccount: filters.from });
  if (filters.to !== undefined) and.push({ toAccount: filters.to });
  if (filters.platform !== undefined) and.push({ optPlatform: filters.platform });
  if (filters.ip !== undefined) and.push({ clientIp: filters.ip });
  if (filters.msgKey !== undefined) and.push({ msgKey: filters.msgKey });
  if (filters.sdkAppId !== undefined) and.push({ sdkAppId: filters.sdkAppId });
  // A recall without a platform was not made through the REST API, so it is a user's.
  if (filters.kind === "admin") and.push({ optPlatform: ADMIN_PLATFORM });
  if (filters.kind === "user") and.push({ OR: [{ optPlatform: null }, { optPlatform: { not: ADMIN_PLATFORM } }] });
  if (filters.since !== undefined) and.push({ receivedAt: { gte: filters.since } });
  if (filters.until !== undefined) and.push({ receivedAt: { lt: filters.until } });
  return and.length === 0 ? {} : { AND: and };
}

/** Only the filter fields of a wider parsed query (drops limit, cursor, lastEventId...). */
export function pickRecallFilters(query: RecallFilters): RecallFilters {
  const { user, from, to, platform, ip, msgKey, sdkAppId, kind, since, until } = query;
  return { user, from, to, platform, ip, msgKey, sdkAppId, kind, since, until };
}
