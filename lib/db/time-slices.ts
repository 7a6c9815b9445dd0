// A time range cut into equal slices, for charts that sample rather than draw every row.
export type TimeSlices = { since: Date; until: Date; count: number; sliceMs: number; startOf(slice: number): Date };

export function timeSlices(since: Date, until: Date, count: number): TimeSlices {
  const sliceMs = Math.max(1, (until.getTime() - since.getTime()) / count);
  return { since, until, count, sliceMs, startOf: (slice) => new Date(Math.round(since.getTime() + slice * sliceMs)) };
}
