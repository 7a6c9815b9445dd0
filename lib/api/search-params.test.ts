import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseSearchParams, searchParamsObject } from "@/lib/api/search-params";

describe("searchParamsObject", () => {
  it("collects a repeated name into one array, in order, however often it is repeated", () => {
    const q = new URLSearchParams(Array.from({ length: 3_000 }, (_, i) => `user=u${i}`).join("&"));
    const out = searchParamsObject(q);
    expect(out.user).toHaveLength(3_000);
    expect((out.user as string[]).slice(0, 3)).toEqual(["u0", "u1", "u2"]);
  });

  it("treats __proto__ and constructor as ordinary names", () => {
    const out = searchParamsObject(new URLSearchParams("__proto__=a&__proto__=b&constructor=c"));
    expect(Object.getPrototypeOf(out)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual(["a", "b"]);
    expect(out.constructor).toBe("c");
    expect(parseSearchParams(z.object({ q: z.string().optional() }), new URLSearchParams("__proto__=a&constructor=b&q=x"))).toEqual({
      q: "x",
    });
  });
});
