import { describe, expect, it } from "vitest";
import { defaultBucket } from "./search-params";

describe("defaultBucket", () => {
  it("charts up to three days per hour and longer ranges per day", () => {
    expect(defaultBucket("2026-11-24T00:00:00Z", "2026-11-26T00:00:00Z")).toBe("hour");
    expect(defaultBucket("2026-11-01T00:00:00Z", "2026-11-26T00:00:00Z")).toBe("day");
    expect(defaultBucket(null, null)).toBe("day");
    expect(defaultBucket("garbage", null)).toBe("day");
  });
});
