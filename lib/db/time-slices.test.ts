import { describe, expect, it } from "vitest";
import { bucketCount, checkBucketCount, MAX_BUCKETS, timeSlices } from "@/lib/db/time-slices";

const at = (iso: string) => new Date(iso);

describe("bucketCount", () => {
  it("counts the UTC buckets a range overlaps, partial ones included, and one for an empty range", () => {
    expect(bucketCount(at("2026-03-01T00:30:00Z"), at("2026-03-01T02:00:00Z"), "hour")).toBe(2);
    expect(bucketCount(at("2026-03-01T00:30:00Z"), at("2026-03-01T02:00:01Z"), "hour")).toBe(3);
    expect(bucketCount(at("2026-03-01T05:00:00Z"), at("2026-03-01T05:00:00Z"), "hour")).toBe(1);
    expect(bucketCount(at("2025-01-01T00:00:00Z"), at("2026-01-01T00:00:00Z"), "day")).toBe(365);
  });

  it("counts year 0001 to 9999 without building anything", () => {
    expect(bucketCount(at("0001-01-01T00:00:00Z"), at("9999-12-31T00:00:00Z"), "hour")).toBe(3_652_058 * 24);
  });
});

describe("checkBucketCount", () => {
  it("accepts up to MAX_BUCKETS and names bucket for too many hours, since for too many days", () => {
    const since = at("2026-01-01T00:00:00Z");
    expect(() => checkBucketCount(since, new Date(since.getTime() + MAX_BUCKETS * 3_600_000), "hour")).not.toThrow();
    expect(() => checkBucketCount(since, new Date(since.getTime() + MAX_BUCKETS * 3_600_000 + 1), "hour")).toThrow(
      expect.objectContaining({ parameter: "bucket", status: 400 }),
    );
    expect(() => checkBucketCount(at("0001-01-01T00:00:00Z"), at("9999-12-31T00:00:00Z"), "day")).toThrow(
      expect.objectContaining({ parameter: "since", message: expect.stringContaining("5,000") }),
    );
  });
});

describe("timeSlices", () => {
  it("refuses a slice count no request may ask for", () => {
    expect(() => timeSlices(at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), 0)).toThrow(RangeError);
    expect(() => timeSlices(at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), 1e9)).toThrow(RangeError);
    expect(timeSlices(at("2026-01-01T00:00:00Z"), at("2026-01-02T00:00:00Z"), 24).startOf(1)).toEqual(at("2026-01-01T01:00:00Z"));
  });
});
