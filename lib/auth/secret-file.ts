// `npm start` on a fresh clone has no .env and so no AUTH_SECRET: rather than refusing to start,
// it generates one into data/auth-secret (readable by this user only) the first time, and
// lib/config.ts reads it from there on. Setting AUTH_SECRET yourself takes precedence.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Creates `file` with a new random secret unless AUTH_SECRET is set or the file exists; true when it did. */
export function ensureAuthSecretFile(file: string, env: Record<string, string | undefined> = process.env): boolean {
  if (env.AUTH_SECRET?.trim() || existsSync(file)) return false;
  mkdirSync(path.dirname(file), { recursive: true });
  // "wx": never overwrite a secret another process has just written.
  writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
  return true;
}
