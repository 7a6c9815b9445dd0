import { describe, expect, it } from "vitest";
import { segmentAfter } from "@/lib/http/request-path";

describe("segmentAfter", () => {
  it("decodes the segment exactly once", () => {
    expect(segmentAfter("/users/%2541", "/users/")).toBe("%41");
    expect(segmentAfter("/users/A", "/users/")).toBe("A");
    expect(segmentAfter("/users/100%25", "/users/")).toBe("100%");
    expect(segmentAfter("/users/%E2%80%AEnimda?since=x", "/users/")).toBe("\u202Enimda");
    expect(segmentAfter("/users/a%2Fb/", "/users/")).toBe("a/b");
  });
  it("answers null for another shape or invalid percent-encoding", () => {
    expect(segmentAfter(null, "/users/")).toBeNull();
    expect(segmentAfter("/recalls/1", "/users/")).toBeNull();
    expect(segmentAfter("/users/a/b", "/users/")).toBeNull();
    expect(segmentAfter("/users/%FF", "/users/")).toBeNull();
  });
});
