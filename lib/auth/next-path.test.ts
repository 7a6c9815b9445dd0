import { describe, expect, it } from "vitest";
import { pathWithQuery, safeNextPath } from "./next-path";

describe("safeNextPath (where /login sends a visitor after signing in)", () => {
  it.each([
    ["/recalls?user=a", "/recalls?user=a"],
    ["/users/%E7%94%A8", "/users/%E7%94%A8"],
    ["/", "/"],
  ])("keeps the same-origin path %s", (next, expected) => {
    expect(safeNextPath(next)).toBe(expected);
  });

  it.each([
    "https://evil.example/",
    "//evil.example/x",
    "/\\evil.example",
    "javascript:alert(1)",
    "recalls",
    "/\t/evil.example",
    "/login?next=/x",
    "",
  ])("ignores %j and goes to /", (next) => {
    expect(safeNextPath(next)).toBe("/");
  });
});

it("pathWithQuery keeps repeated parameters in order", () => {
  expect(pathWithQuery("/users", { q: "a b", user: ["x", "y"], none: undefined })).toBe("/users?q=a+b&user=x&user=y");
});
