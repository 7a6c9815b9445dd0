// Makes invisible and control characters in user-supplied text visible as ⟨U+XXXX⟩, for
// components/user-id.tsx (which also isolates the text) and for plain-text places such as
// attributes and document titles. Client-safe: no server imports.

// Controls, format characters (bidi controls, zero-width space, ...), line and paragraph
// separators, every space but U+0020, and the other default-ignorable (invisible) code points.
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]|[^\P{Zs} ]/u;
// Joiners and selectors inside an emoji sequence are part of the emoji (👩‍💻, ❤️, flags): kept.
const EMOJI_PART = /[\u200d\ufe0e\ufe0f\u{e0020}-\u{e007f}]/u;
const EMOJI_BASE = /[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}]/u;

/** `at` is the code point offset in the value where the part starts. */
export type VisiblePart = { text: string; hidden: boolean; at: number };

const codePointLabel = (ch: string) => `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, "0")}`;

/** Splits `value` into plain runs and the characters that must be shown as ⟨U+XXXX⟩. */
export function visibleParts(value: string): VisiblePart[] {
  const chars = [...value];
  const parts: VisiblePart[] = [];
  let run = "";
  let runAt = 0;
  let inEmoji = false;
  chars.forEach((ch, i) => {
    const edgeSpace = ch === " " && (i === 0 || i === chars.length - 1);
    const emojiPart = inEmoji && EMOJI_PART.test(ch);
    inEmoji = EMOJI_BASE.test(ch) || emojiPart;
    if ((INVISIBLE.test(ch) && !emojiPart) || edgeSpace) {
      if (run) parts.push({ text: run, hidden: false, at: runAt });
      run = "";
      runAt = i + 1;
      parts.push({ text: codePointLabel(ch), hidden: true, at: i });
    } else run += ch;
  });
  if (run) parts.push({ text: run, hidden: false, at: runAt });
  return parts;
}

/** The same as plain text, for attributes (title, aria-label) and document titles. */
export function visibleText(value: string): string {
  return visibleParts(value)
    .map((p) => (p.hidden ? `⟨${p.text}⟩` : p.text))
    .join("");
}
