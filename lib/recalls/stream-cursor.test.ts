import { describe, expect, it } from "vitest";
import { parseEventId } from "@/lib/recalls/stream-cursor";

describe("parseEventId", () => {
  it("reads a PostgreSQL position and a bare recall id", () => {
    expect(parseEventId("18446744073709551615-42")).toEqual({ seq: 18446744073709551615n, id: 42 });
    expect(parseEventId("42")).toEqual({ id: 42 });
  });
  it.each(["", "-1", "1-", "-1-2", "1.2", "abc", "1-2-3", "1234567890123456", "1-1234567890123456", " 1"])("rejects %j", (text) => {
    expect(parseEventId(text)).toBeUndefined();
  });
});
