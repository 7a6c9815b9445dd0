import { describe, expect, it } from "vitest";
import { encodeCursor } from "@/lib/api/cursor";
import { parseSearchParams } from "@/lib/api/search-params";
import { rangeStart, recallFiltersSchema, recallListQuerySchema, recallWhere } from "@/lib/recalls/filters";

const parse = (query: string) => recallListQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(query)));
const firstIssuePath = (query: string) => {
  const r = parse(query);
  return r.success ? undefined : String(r.error.issues[0]?.path[0]);
};

describe("recallListQuerySchema", () => {
  it("defaults limit to 50 and leaves every filter unset", () => {
    expect(parse("").data).toEqual({ limit: 50 });
  });

  it.each([
    ["2026-11-26", "2026-11-26T00:00:00.000Z"],
    ["2026-11-26T09:30:00Z", "2026-11-26T09:30:00.000Z"],
    ["2026-11-26T09:30:00.123Z", "2026-11-26T09:30:00.123Z"],
    ["2026-11-26T17:30:00+08:00", "2026-11-26T09:30:00.000Z"],
    ["2026-11-26T17:30+0800", "2026-11-26T09:30:00.000Z"],
    ["2026-11-26T04:30:00-05", "2026-11-26T09:30:00.000Z"],
    ["2026-11-26T09:30:00", "2026-11-26T09:30:00.000Z"],
  ])("reads since=%s as %s (no offset means UTC)", (text, iso) => {
    expect(parse(`since=${encodeURIComponent(text)}`).data?.since?.toISOString()).toBe(iso);
  });

  it.each(["yesterday", "2026-13-01", "2026-02-30", "2026-11-26T24:00:00Z", "2026-11-26T09:60Z", "1700000000", "2026-11-26T09:30:00+8"])(
    "rejects since=%s naming since",
    (text) => {
      expect(firstIssuePath(`since=${encodeURIComponent(text)}`)).toBe("since");
    },
  );

  // PostgreSQL has no year 0: such a date was a 500 there (found by tests/reliability/hostile-input).
  it.each(["0000-06-01", "0001-01-01T00:00+08:00", "9999-12-31T23:00-08:00"])(
    "rejects since=%s, a UTC instant outside years 1 to 9999",
    (text) => {
      expect(firstIssuePath(`since=${encodeURIComponent(text)}`)).toBe("since");
    },
  );

  it("never derives a default start before year 1", () => {
    expect(rangeStart(new Date("0001-01-01T00:00:00Z"), 86_400_000).toISOString()).toBe("0001-01-01T00:00:00.000Z");
    expect(rangeStart(new Date("2026-11-26T00:00:00Z"), 86_400_000).toISOString()).toBe("2026-11-25T00:00:00.000Z");
  });

  it("accepts since equal to until and rejects until before since, naming until", () => {
    expect(parse("since=2026-11-26&until=2026-11-26").success).toBe(true);
    expect(firstIssuePath("since=2026-11-27&until=2026-11-26")).toBe("until");
  });

  it.each([
    ["limit=0", "limit"],
    ["limit=501", "limit"],
    ["limit=1.5", "limit"],
    ["limit=-3", "limit"],
    ["sdkAppId=14000x", "sdkAppId"],
    ["platform=%20", "platform"],
    ["cursor=%%%", "cursor"],
  ])("rejects %s naming %s", (query, path) => {
    expect(firstIssuePath(query)).toBe(path);
  });

  it("normalises the platform to its stored spelling", () => {
    expect(parse("platform=ios").data?.platform).toBe("iOS");
    expect(parse("platform=MAC").data?.platform).toBe("macOS");
    expect(parse("platform=HarmonyOS").data?.platform).toBe("HarmonyOS");
  });

  it("decodes a cursor it issued and rejects one of another shape", () => {
    expect(parse(`cursor=${encodeCursor({ r: 1_700_000_000_000, i: 42 })}`).data?.cursor).toEqual({ r: 1_700_000_000_000, i: 42 });
    expect(firstIssuePath(`cursor=${encodeCursor({ r: "x", i: 42 })}`)).toBe("cursor");
    expect(firstIssuePath(`cursor=${encodeCursor([1, 2])}`)).toBe("cursor");
  });
});

describe("parseSearchParams", () => {
  it("ignores unknown and empty parameters and rejects a repeated one, naming it", () => {
    expect(parseSearchParams(recallFiltersSchema, new URLSearchParams("from=&to=bob&colour=blue"))).toEqual({ to: "bob" });
    expect(() => parseSearchParams(recallFiltersSchema, new URLSearchParams("from=a&from=b"))).toThrow(/from/);
  });
});

describe("recallWhere", () => {
  it("matches either side for user and ANDs every other filter", () => {
    const since = new Date("2026-11-26T00:00:00Z");
    expect(recallWhere({ user: "u", platform: "iOS", since })).toEqual({
      AND: [{ OR: [{ fromAccount: "u" }, { toAccount: "u" }] }, { optPlatform: "iOS" }, { receivedAt: { gte: since } }],
    });
    expect(recallWhere({})).toEqual({});
  });
});
