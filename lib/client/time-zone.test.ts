import { describe, expect, it } from "vitest";
import { fromInputValue, type TimeShape, timeFormatOptions, toInputValue, withZoneSuffix } from "./time-zone";

const AT = new Date("2026-11-26T09:05:07.123Z");

/** What useFormatTime shows, through the same Intl options next-intl's formatter is given. */
const shown = (locale: string, shape: TimeShape, mode: "utc" | "local" = "utc") =>
  withZoneSuffix(new Intl.DateTimeFormat(locale, timeFormatOptions(mode, shape)).format(AT), mode, shape);

describe("times on the dashboard", () => {
  it("shows UTC with a suffix so it can never be mistaken for local time, in each language's order", () => {
    expect(shown("en", "full")).toBe("Nov 26, 2026, 09:05:07 UTC");
    expect(shown("zh-CN", "full")).toBe("2026年11月26日 09:05:07 UTC");
    expect(shown("en", "minutes")).toBe("Nov 26, 2026, 09:05 UTC");
  });

  it("shows local time in the viewer's zone, without a suffix", () => {
    const local = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(AT);
    expect(shown("en", "full", "local")).not.toContain("UTC");
    expect(shown("en", "full", "local")).toContain(local);
  });

  it("labels chart axes at the data's scale", () => {
    expect(shown("en", "day")).toBe("Nov 26");
    expect(shown("zh-CN", "day")).toBe("11月26日");
    expect(shown("en", "hour")).toBe("Nov 26, 09:05");
    expect(shown("en", "time")).toBe("09:05");
    expect(shown("en", "second")).toBe("09:05:07");
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
