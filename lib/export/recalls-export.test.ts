import { describe, expect, it } from "vitest";
import { canonicalJson, exportFilename } from "@/lib/export/recalls-export";

describe("exportFilename", () => {
  it("names the file after the UTC start time, to the second", () => {
    expect(exportFilename(new Date("2026-11-26T09:25:09.987Z"))).toBe("recalls-20261126T092509Z.csv");
  });
});

describe("canonicalJson", () => {
  it("logs equal filters as equal text whatever the key order, times as ISO 8601, absent filters left out", () => {
    const a = canonicalJson({ to: "bob", from: "alice", since: new Date("2026-11-01T00:00:00Z"), ip: undefined });
    const b = canonicalJson({ since: new Date("2026-11-01T00:00:00Z"), from: "alice", to: "bob" });
    expect(a).toBe(b);
    expect(a).toBe('{"from":"alice","since":"2026-11-01T00:00:00.000Z","to":"bob"}');
  });
});
