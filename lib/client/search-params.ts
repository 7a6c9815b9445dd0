// URL state of every view, under the JSON API's own parameter names, so that a page's URL and the
// API request behind it read the same (`/recalls?from=alice` fetches `/api/recalls?from=alice`).
// Imported by server pages (to read searchParams) and by client views (nuqs hooks).
import { createLoader, parseAsInteger, parseAsString, parseAsStringLiteral } from "nuqs/server";
import type { RecallKindFilter as ApiRecallKind } from "@/lib/recalls/filters";
import type { UserSort as ApiUserSort } from "@/lib/users/list";

// A copy of the API's kinds (lib/recalls/filters.ts is server code); `satisfies` keeps them in step.
export const RECALL_KINDS = ["admin", "user"] as const satisfies readonly ApiRecallKind[];

export const rangeParams = {
  since: parseAsString,
  until: parseAsString,
};

export const recallFilterParams = {
  user: parseAsString,
  from: parseAsString,
  to: parseAsString,
  platform: parseAsString,
  ip: parseAsString,
  msgKey: parseAsString,
  sdkAppId: parseAsString,
  kind: parseAsStringLiteral(RECALL_KINDS),
  ...rangeParams,
};
export const loadRecallFilters = createLoader(recallFilterParams);
/** Rows per page of a list (the API's `limit`; its default when absent). */
export const pageSizeParams = { limit: parseAsInteger };
export type RecallFilters = Awaited<ReturnType<typeof loadRecallFilters>>;

// A copy of the API's list (importing its value would bring the server module into the browser);
// `satisfies` keeps the two in step.
export const USER_SORTS = [
  "userId",
  "recallsSent",
  "recallsReceived",
  "lastUnreadMsgNum",
  "lastRecallAt",
  "recallRate",
] as const satisfies readonly ApiUserSort[];
export type UserSort = (typeof USER_SORTS)[number];
export const ORDERS = ["asc", "desc"] as const;

export const userListParams = {
  q: parseAsString,
  sort: parseAsStringLiteral(USER_SORTS),
  order: parseAsStringLiteral(ORDERS),
  ...rangeParams,
};
export const loadUserListParams = createLoader(userListParams);

export const BUCKETS = ["hour", "day"] as const;
export const userPageParams = {
  bucket: parseAsStringLiteral(BUCKETS),
  ...rangeParams,
};
export const loadUserPageParams = createLoader(userPageParams);

export const overviewParams = { ...rangeParams };
export const loadOverviewParams = createLoader(overviewParams);

/** Hourly buckets up to three days, daily beyond (and for "all time"). */
export function defaultBucket(since: string | null, until: string | null): "hour" | "day" {
  if (!since) return "day";
  const from = Date.parse(since);
  const to = until ? Date.parse(until) : Date.now();
  if (Number.isNaN(from) || Number.isNaN(to)) return "day";
  return to - from <= 3 * 24 * 3600_000 ? "hour" : "day";
}
