// Personal API tokens for automation (better-auth's api-key plugin does not install beside the
// better-auth we use). A token is `rmt_<8 hex>_<secret>`; only its SHA-256 is stored, with the
// `rmt_<8 hex>` prefix kept visible so that people can tell their tokens apart.
import { createHash, randomBytes } from "node:crypto";
import { z } from "zod";
import { ApiError, ForbiddenError } from "@/lib/api/errors";
import { appendAccessLog } from "@/lib/audit/access-log";
import type { Principal } from "@/lib/auth/principal";
import { asRole, lowerRole, type Role, roleAtLeast, roleSchema } from "@/lib/auth/roles";
import type { Db } from "@/lib/db/client";

export const MAX_TOKEN_DAYS = 365;
const TOKEN_FORMAT = /^(rmt_[0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;

export const newTokenSchema = z.object({
  name: z.string().trim().min(1, { error: "give the token a name" }).max(100, { error: "expected at most 100 characters" }),
  role: roleSchema,
  days: z.coerce
    .number({ error: `expected a whole number of days from 1 to ${MAX_TOKEN_DAYS}` })
    .int({ error: `expected a whole number of days from 1 to ${MAX_TOKEN_DAYS}` })
    .min(1, { error: "expected at least 1 day" })
    .max(MAX_TOKEN_DAYS, { error: `expected at most ${MAX_TOKEN_DAYS} days` }),
});
export type NewToken = z.output<typeof newTokenSchema>;

export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export type CreatedToken = { id: string; token: string; prefix: string; name: string; role: Role; expiresAt: Date };

/** Creates a token for `owner`; its role may not be higher than the owner's. */
export async function createApiToken(
  db: Db,
  owner: { id: string; email: string; role: Role },
  input: NewToken,
  log: { address: string; via: string },
): Promise<CreatedToken> {
  if (!roleAtLeast(owner.role, "auditor")) throw new ForbiddenError("Only auditors and admins may create API tokens");
  if (!roleAtLeast(owner.role, input.role)) {
    throw new ApiError(400, "invalid_parameter", `role: a token's role cannot be higher than yours (${owner.role})`, "role");
  }
  const prefix = `rmt_${randomBytes(4).toString("hex")}`;
  const token = `${prefix}_${randomBytes(32).toString("base64url")}`;
  const now = new Date();
  const row = {
    id: randomBytes(16).toString("hex"),
    userId: owner.id,
    name: input.name,
    role: input.role,
    prefix,
    tokenHash: hashToken(token),
    createdAt: now,
    expiresAt: new Date(now.getTime() + input.days * 86_400_000),
  };
  await db.apiToken.create({ data: row });
  await appendAccessLog(db, {
    action: "token_created",
    actor: { id: owner.id, email: owner.email, via: log.via },
    target: prefix,
    address: log.address,
    detail: { name: input.name, role: input.role, expiresAt: row.expiresAt.toISOString() },
  });
  return { id: row.id, token, prefix, name: row.name, role: input.role, expiresAt: row.expiresAt };
}

export type TokenListItem = {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
};

export async function listApiTokens(db: Db, userId: string): Promise<TokenListItem[]> {
  const rows = await db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    prefix: r.prefix,
    role: asRole(r.role),
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    revokedAt: r.revokedAt?.toISOString() ?? null,
    lastUsedAt: r.lastUsedAt?.toISOString() ?? null,
  }));
}

/** Revokes one of the principal's own tokens. */
export async function revokeApiToken(db: Db, who: Principal, tokenId: string, address: string): Promise<void> {
  const token = await db.apiToken.findFirst({ where: { id: tokenId, userId: who.userId } });
  if (!token) throw new ApiError(404, "not_found", "No such token of yours");
  if (token.revokedAt) return;
  await db.apiToken.updateMany({ where: { id: tokenId, revokedAt: null }, data: { revokedAt: new Date() } });
  await appendAccessLog(db, {
    action: "token_revoked",
    actor: { id: who.userId, email: who.email, via: who.via },
    target: token.prefix,
    address,
    detail: { name: token.name },
  });
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);
// Last-used time is written at most this often; the first use of each UTC day is always written
// (and logged), so the access log holds one token_used entry per token per day of use.
const TOUCH_MS = 60_000;

/**
 * The principal behind `Authorization: Bearer <token>`, or null for an unknown, revoked or expired
 * token or one whose owner is disabled.
 */
export async function tokenPrincipal(db: Db, token: string, address: string, now = new Date()): Promise<Principal | null> {
  const format = TOKEN_FORMAT.exec(token);
  if (!format) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.expiresAt <= now || row.user.banned) return null;
  const via = `token:${row.prefix}`;
  const principal: Principal = {
    userId: row.user.id,
    email: row.user.email,
    name: row.user.name,
    role: lowerRole(asRole(row.role), asRole(row.user.role)),
    via,
    sessionId: null,
  };
  const firstUseToday = !row.lastUsedAt || utcDay(row.lastUsedAt) !== utcDay(now);
  if (firstUseToday || now.getTime() - (row.lastUsedAt?.getTime() ?? 0) > TOUCH_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  if (firstUseToday) {
    await appendAccessLog(db, {
      action: "token_used",
      actor: { id: row.user.id, email: row.user.email, via },
      target: row.prefix,
      address,
      detail: { day: utcDay(now), name: row.name },
      at: now,
    });
  }
  return principal;
}
