import { describe, expect, it } from "vitest";
import { storedTimeToIso } from "@/lib/export/sqlite-pages";

describe("storedTimeToIso", () => {
  it("turns the Prisma adapter's stored text into ISO 8601 UTC with milliseconds", () => {
    expect(storedTimeToIso("2026-11-26T10:49:14.081+00:00")).toBe("2026-11-26T10:49:14.081Z");
  });
  it("reads other spellings SQLite may hold: unix milliseconds, another offset", () => {
    expect(storedTimeToIso(1764154154081)).toBe("2025-11-26T10:49:14.081Z");
    expect(storedTimeToIso("2026-11-26T18:49:14.081+08:00")).toBe("2026-11-26T10:49:14.081Z");
  });
  it("keeps a missing time missing", () => {
    expect(storedTimeToIso(null)).toBeNull();
  });
});
