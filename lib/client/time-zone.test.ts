import { describe, expect, it } from "vitest";
import { formatAxisTime, formatTime, fromInputValue, toInputValue } from "./time-zone";

const AT = new Date("2026-11-26T09:05:07.123Z");

describe("times on the dashboard", () => {
  it("shows UTC with a suffix so it can never be mistaken for local time", () => {
    expect(formatTime(AT, "utc")).toBe("2026-11-26 09:05:07 UTC");
    expect(formatTime(AT, "utc", false)).toBe("2026-11-26 09:05 UTC");
  });

  it("shows local time in the same layout, without a suffix", () => {
    expect(formatTime(AT, "local")).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    const local = new Date(AT.getTime() - AT.getTimezoneOffset() * 60_000).toISOString();
    expect(formatTime(AT, "local")).toBe(`${local.slice(0, 10)} ${local.slice(11, 19)}`);
  });

  it("labels chart axes at the data's scale", () => {
    expect(formatAxisTime(AT, "utc", "day")).toBe("11-26");
    expect(formatAxisTime(AT, "utc", "hour")).toBe("11-26 09:05");
    expect(formatAxisTime(AT, "utc", "time")).toBe("09:05");
    expect(formatAxisTime(AT, "utc", "second")).toBe("09:05:07");
  });

  it("turns a custom range input into the API's ISO value and back, in the chosen zone", () => {
    expect(fromInputValue("2026-11-26T09:05", "utc")).toBe("2026-11-26T09:05:00.000Z");
    expect(toInputValue("2026-11-26T09:05:00.000Z", "utc")).toBe("2026-11-26T09:05");
    const local = fromInputValue("2026-11-26T09:05", "local");
    expect(local && toInputValue(local, "local")).toBe("2026-11-26T09:05");
    expect(fromInputValue("", "utc")).toBeNull();
    expect(toInputValue("not a date", "utc")).toBe("");
  });
});
