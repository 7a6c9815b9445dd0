// The session check of every page and cookie-authenticated API request. better-auth verifies the
// signed cookie and loads the session and its user; this adds what it does not do: idle expiry and
// refusing disabled accounts.

import { authFor } from "@/lib/auth/auth";
import type { Principal } from "@/lib/auth/principal";
import { asRole } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { isHttps } from "@/lib/http/same-origin";

const IDLE_MS = config.auth.sessionIdleMinutes * 60_000;
// "Last seen" is written at most this often, so that browsing does not write on every request;
// idle expiry is therefore exact to within this much.
const TOUCH_MS = Math.min(60_000, IDLE_MS / 10);

/** Whether a session last seen at `lastSeen` has been idle too long at `now`. */
export function isIdleExpired(lastSeen: Date, now: Date, idleMinutes = config.auth.sessionIdleMinutes): boolean {
  return now.getTime() - lastSeen.getTime() > idleMinutes * 60_000;
}

/**
 * The signed-in staff member behind the session cookie in `headers`, or null. `touch: false`
 * checks without counting as activity (a live stream re-checking itself must not keep an
 * unattended dashboard's session from idling out).
 */
export async function sessionPrincipal(db: Db, headers: Headers, url: string, { touch = true } = {}): Promise<Principal | null> {
  if (!headers.get("cookie")) return null;
  const auth = authFor(db, isHttps(headers, url));
  const found = await auth.api.getSession({ headers, query: { disableRefresh: true } });
  if (!found || found.user.banned) return null;
  const { session, user } = found;
  const now = new Date();
  const lastSeen = new Date(session.updatedAt);
  if (isIdleExpired(lastSeen, now)) {
    await db.staffSession.deleteMany({ where: { id: session.id } });
    return null;
  }
  if (touch && now.getTime() - lastSeen.getTime() > TOUCH_MS) {
    await db.staffSession.updateMany({ where: { id: session.id }, data: { updatedAt: now } });
  }
  return { userId: user.id, email: user.email, name: user.name, role: asRole(user.role), via: "session", sessionId: session.id };
}
