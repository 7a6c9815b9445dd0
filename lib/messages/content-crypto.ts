// Captured message content at rest: AES-256-GCM, a fresh 12-byte IV per row, and the message's
// identity as additional data, so a ciphertext copied onto another row fails to decrypt instead of
// showing one message's text as another's.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { ContentKey } from "@/lib/messages/content-key";

const IV_BYTES = 12;
const TAG_BYTES = 16;

type Identity = { sdkAppId: string; fromAccount: string; toAccount: string; msgKey: string };
const aad = (m: Identity) => Buffer.from(JSON.stringify([m.sdkAppId, m.fromAccount, m.toAccount, m.msgKey]));

/** iv ‖ ciphertext ‖ tag. */
export function encryptContent(plaintext: string, key: ContentKey, identity: Identity): Uint8Array {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  cipher.setAAD(aad(identity));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return new Uint8Array(Buffer.concat([iv, body, cipher.getAuthTag()]));
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
