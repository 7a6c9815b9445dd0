import { describe, expect, it } from "vitest";
import { pgTimeToIso } from "@/lib/export/postgres-pages";

describe("pgTimeToIso", () => {
  it("reads PostgreSQL's timestamp text as UTC, whatever digits of the second it prints", () => {
    expect(pgTimeToIso("2026-11-26 09:25:09.407")).toBe("2026-11-26T09:25:09.407Z");
    expect(pgTimeToIso("2026-11-26 09:25:09.4")).toBe("2026-11-26T09:25:09.400Z");
    expect(pgTimeToIso("2026-11-26 09:25:09")).toBe("2026-11-26T09:25:09.000Z");
    expect(pgTimeToIso(null)).toBeNull();
  });
});
