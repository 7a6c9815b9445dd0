// Captured message content at rest: AES-256-GCM, a fresh 12-byte IV per row, and the message's
// identity as additional data, so a ciphertext copied onto another row fails to decrypt instead of
// showing one message's text as another's.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { ContentKey } from "@/lib/messages/content-key";

const IV_BYTES = 12;
const TAG_BYTES = 16;

type Identity = { sdkAppId: string; fromAccount: string; toAccount: string; msgKey: string };
const aad = (m: Identity) => Buffer.from(JSON.stringify([m.sdkAppId, m.fromAccount, m.toAccount, m.msgKey]));

// IVs are random (never a counter: several instances and restarts share a key), drawn from a pool
// refilled 1,024 at a time: one call into the RNG per 1,024 messages instead of one per message.
const IV_POOL_BYTES = IV_BYTES * 1024;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;
function nextIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivOffset = 0;
  }
  const iv = ivPool.subarray(ivOffset, ivOffset + IV_BYTES);
  ivOffset += IV_BYTES;
  return iv;
}

/**
 * iv ‖ ciphertext ‖ tag, written into one buffer (GCM's ciphertext is exactly as long as the
 * plaintext): on every sent message's path when capture is on, so no intermediate copies.
 */
export function encryptContent(plaintext: string, key: ContentKey, identity: Identity): Uint8Array {
  const iv = nextIv();
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(aad(identity));
  const body = cipher.update(plaintext, "utf8");
  cipher.final();
  // Its own ArrayBuffer (not a slice of Node's shared pool): the row is posted to the SQLite writer
  // thread, and a view would carry the whole pool slab with it.
  const out = Buffer.allocUnsafeSlow(IV_BYTES + body.length + TAG_BYTES);
  iv.copy(out, 0);
  body.copy(out, IV_BYTES);
  cipher.getAuthTag().copy(out, IV_BYTES + body.length);
  return out;
}

export class ContentKeyMissingError extends Error {}

/** Decrypts with the key whose id the row names; throws when that key is no longer configured. */
export function decryptContent(sealed: Uint8Array, keyId: string, keys: readonly ContentKey[], identity: Identity): string {
  const key = keys.find((k) => k.id === keyId);
  if (!key) throw new ContentKeyMissingError(`content was encrypted with key ${keyId}, which is not configured (MESSAGE_CONTENT_OLD_KEYS)`);
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv("aes-256-gcm", key.key, bytes.subarray(0, IV_BYTES));
  decipher.setAAD(aad(identity));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  return Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString("utf8");
}
