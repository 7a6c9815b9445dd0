import { describe, expect, it } from "vitest";
import { queryString } from "./api";

describe("queryString", () => {
  it("keeps only the values that are set, so links and SWR keys stay short and stable", () => {
    expect(queryString({ from: "alice", to: null, platform: "", ip: undefined, limit: 50 })).toBe("?from=alice&limit=50");
    expect(queryString({ from: null })).toBe("");
  });

  it("encodes any Unicode user ID", () => {
    expect(queryString({ user: "张三 & co" })).toBe("?user=%E5%BC%A0%E4%B8%89+%26+co");
  });
});
