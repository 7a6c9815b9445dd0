// Sizes that follow a requested time range (chart buckets, sampled slices), computed
// arithmetically so that a request is refused before anything of that size is allocated or
// queried: a range from year 0000 to 9999 is 87 million hours.
import { InvalidParameterError } from "@/lib/api/errors";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A chart cannot show more bars than this. */
export const MAX_BUCKETS = 5_000;
/** No caller samples more finely than this. */
export const MAX_SLICES = 10_000;

export type Bucket = "hour" | "day";
export const bucketMs = (bucket: Bucket) => (bucket === "day" ? DAY_MS : HOUR_MS);

/** How many UTC buckets of `bucket` overlap [since, until): at least one, for an empty range. */
export function bucketCount(since: Date, until: Date, bucket: Bucket): number {
  const size = bucketMs(bucket);
  const first = Math.floor(since.getTime() / size) * size;
  return Math.max(1, Math.ceil((until.getTime() - first) / size));
}

/**
 * Refuses a range that needs more than MAX_BUCKETS buckets, with a 400 naming what to change:
 * `bucket` for too many hours (whole days may fit), `since` for too many days (the range itself
 * is too long).
 */
export function checkBucketCount(since: Date, until: Date, bucket: Bucket): void {
  const n = bucketCount(since, until, bucket);
  if (n <= MAX_BUCKETS) return;
  const max = MAX_BUCKETS.toLocaleString("en-US");
  const count = n.toLocaleString("en-US");
  if (bucket === "hour") {
    const daysFit = bucketCount(since, until, "day") <= MAX_BUCKETS;
    throw new InvalidParameterError(
      "bucket",
      `bucket: ${count} hours is more than ${max} buckets for one chart; use bucket=day${daysFit ? " or a shorter range" : " and a shorter range"}`,
    );
  }
  throw new InvalidParameterError(
    "since",
    `since: the range spans ${count} days, more than ${max} buckets for one chart; choose a shorter range`,
  );
}

// A time range cut into equal slices, for charts that sample rather than draw every row.
export type TimeSlices = { since: Date; until: Date; count: number; sliceMs: number; startOf(slice: number): Date };

export function timeSlices(since: Date, until: Date, count: number): TimeSlices {
  // Callers validate `count` from the request; this guards the size of what they build from it.
  if (!Number.isInteger(count) || count < 1 || count > MAX_SLICES)
    throw new RangeError(`slice count ${count} is not from 1 to ${MAX_SLICES}`);
  const sliceMs = Math.max(1, (until.getTime() - since.getTime()) / count);
  return { since, until, count, sliceMs, startOf: (slice) => new Date(Math.round(since.getTime() + slice * sliceMs)) };
}
