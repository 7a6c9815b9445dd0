// Channel secrets at rest: AES-256-GCM, a fresh 12-byte IV per value, stored as
// "v1:<base64 iv|tag|ciphertext>". The key is ALERTS_SECRET_KEY when set, otherwise derived from
// AUTH_SECRET with HKDF-SHA256 under a label of its own, so the session-signing key and this key
// are unrelated values even though one secret feeds both. Rotating AUTH_SECRET without an
// ALERTS_SECRET_KEY makes stored channel secrets unreadable (the channel's Send test then says so
// and the channel must be re-entered): set ALERTS_SECRET_KEY where AUTH_SECRET is rotated.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { config } from "@/lib/config";

const VERSION = "v1";
const AAD = Buffer.from("recall-monitor alert channel secret");

export class SecretKeyError extends Error {
  override name = "SecretKeyError";
}

export function deriveKey(material: string): Buffer {
  return Buffer.from(
    hkdfSync("sha256", Buffer.from(material, "utf8"), Buffer.from("recall-monitor"), Buffer.from("alerts-channel-secrets-v1"), 32),
  );
}

function key(): Buffer {
  const material = config.alerts.secretKey ?? config.auth.secret;
  if (!material)
    throw new SecretKeyError("set ALERTS_SECRET_KEY or AUTH_SECRET before adding alert channels: their secrets are encrypted with it");
  return deriveKey(material);
}

export function encryptSecret(plain: unknown, keyBytes: Buffer = key()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyBytes, iv);
  cipher.setAAD(AAD);
  const body = Buffer.concat([cipher.update(JSON.stringify(plain), "utf8"), cipher.final()]);
  return `${VERSION}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString("base64")}`;
}

export function decryptSecret(stored: string, keyBytes: Buffer = key()): unknown {
  const [version, data] = stored.split(":", 2);
  if (version !== VERSION || !data) throw new SecretKeyError("the channel's secret is in an unknown format");
  const raw = Buffer.from(data, "base64");
  try {
    const decipher = createDecipheriv("aes-256-gcm", keyBytes, raw.subarray(0, 12));
    decipher.setAAD(AAD);
    decipher.setAuthTag(raw.subarray(12, 28));
    return JSON.parse(Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8"));
  } catch {
    throw new SecretKeyError(
      "the channel's secret cannot be decrypted with the current key (was AUTH_SECRET or ALERTS_SECRET_KEY changed?): enter the channel again",
    );
  }
}
