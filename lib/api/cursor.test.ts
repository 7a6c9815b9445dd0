import { describe, expect, it } from "vitest";
import { z } from "zod";
import { cursorParam, decodeCursor, encodeCursor } from "@/lib/api/cursor";

describe("page cursors", () => {
  it("round-trip values, Unicode included, as URL-safe text", () => {
    const value = { v: null, u: "用户甲 😀", a: "1400000001" };
    const text = encodeCursor(value);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(text)).toEqual(value);
  });

  it("validate what they decode", () => {
    const param = cursorParam(z.object({ i: z.number() }));
    expect(param.parse(encodeCursor({ i: 3 }))).toEqual({ i: 3 });
    expect(param.safeParse(encodeCursor({ i: "3" })).success).toBe(false);
    expect(param.safeParse("!!!").success).toBe(false);
    expect(param.safeParse(Buffer.from("not json").toString("base64url")).success).toBe(false);
    expect(param.safeParse("x".repeat(2000)).success).toBe(false);
  });
});
