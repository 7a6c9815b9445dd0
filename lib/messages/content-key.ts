// MESSAGE_CONTENT_KEY and the keys it replaced, parsed for lib/config.ts. A key's id (stored on
// each encrypted row) is derived from the key itself, so rotating needs no second setting to keep
// in step: see docs/message-capture.md.
import { createHash } from "node:crypto";

export type ContentKey = { id: string; key: Buffer };

export const GENERATE_KEY_HINT = "generate one with: openssl rand -base64 32";

/** The first 8 hex digits of the key's SHA-256: enough to tell a handful of keys apart, reveals nothing. */
export function contentKeyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 8);
}

/** Parses one base64 key; the error says what is wrong and how to make a good one. */
export function parseContentKey(value: string): ContentKey {
  const text = value.trim();
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text)) throw new Error(`expected 32 bytes in base64 (${GENERATE_KEY_HINT})`);
  const key = Buffer.from(text, "base64");
  if (key.length !== 32) throw new Error(`expected 32 bytes in base64, got ${key.length} bytes (${GENERATE_KEY_HINT})`);
  return { id: contentKeyId(key), key };
}
