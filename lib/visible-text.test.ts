import { describe, expect, it } from "vitest";
import { visibleText } from "@/lib/visible-text";

describe("visibleText", () => {
  it("shows bidi controls, so \\u202Enimda cannot pass for admin", () => {
    expect(visibleText("\u202Enimda")).toBe("⟨U+202E⟩nimda");
    for (const c of ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u2066", "\u2067", "\u2068", "\u2069"]) {
      expect(visibleText(`a${c}b`)).toBe(`a⟨U+${c.charCodeAt(0).toString(16).toUpperCase()}⟩b`);
    }
  });

  it("shows control characters, zero-width and unusual spaces, and spaces at either end", () => {
    expect(visibleText("a\u0000b\u0085c")).toBe("a⟨U+0000⟩b⟨U+0085⟩c");
    expect(visibleText("ad\u200bmin")).toBe("ad⟨U+200B⟩min");
    expect(visibleText("a\u00a0b\u3000c")).toBe("a⟨U+00A0⟩b⟨U+3000⟩c");
    expect(visibleText(" admin ")).toBe("⟨U+0020⟩admin⟨U+0020⟩");
    expect(visibleText("\u3164")).toBe("⟨U+3164⟩");
  });

  it("leaves ordinary text alone: inner spaces, any script, emoji sequences", () => {
    for (const v of ["alice", "user 1", "李雷", "עברית", "👩‍💻", "❤️", "🇩🇪", "👍🏽", "x@y.z"]) expect(visibleText(v)).toBe(v);
  });
});
