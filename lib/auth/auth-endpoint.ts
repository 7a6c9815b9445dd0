// The public part of better-auth's API, and only the part /login and the Sign out button need:
// POST /api/auth/sign-in/email and POST /api/auth/sign-out. Everything else better-auth could
// answer (sign-up, admin endpoints, session lists) is 404 here; staff are managed through the
// dashboard's own APIs. Around better-auth's handler (which runs its own CSRF origin check) this
// adds: same-origin browser requests only, the failed sign-in limit, one message for a wrong
// password and an unknown email, the access log, and no session token in the response body.
import { z } from "zod";
import { jsonError, jsonOk } from "@/lib/api/response";
import { appendAccessLog } from "@/lib/audit/access-log";
import { authFor } from "@/lib/auth/auth";
import { sessionPrincipal } from "@/lib/auth/session";
import { refusalMessage, signInRefusal } from "@/lib/auth/sign-in-limit";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { crossSiteReason, isHttps } from "@/lib/http/same-origin";
import { BodyTooLargeError, readBodyText } from "@/lib/im/read-body";
import { log } from "@/lib/log";

export const WRONG_CREDENTIALS = "Wrong email or password.";

const signInBody = z.object({ email: z.string().max(254), password: z.string().max(256) });

/** An email and a password fit many times over; anyone can reach this endpoint, so nothing larger is read. */
export const SIGN_IN_MAX_BYTES = 4 * 1024;

/** The response with only better-auth's Set-Cookie headers carried over onto `body`. */
function withCookies(from: Response, to: Response): Response {
  for (const cookie of from.headers.getSetCookie()) to.headers.append("set-cookie", cookie);
  return to;
}

export async function answerAuthRequest(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname.replace(/^\/api\/auth/, "");
  if (request.method !== "POST" || (path !== "/sign-in/email" && path !== "/sign-out")) {
    return jsonError(404, { code: "not_found", message: "Not an endpoint of this app" });
  }
  const crossSite = crossSiteReason(request.headers, request.url) ?? (request.headers.has("origin") ? null : "no Origin header");
  if (crossSite) return jsonError(403, { code: "cross_site", message: `Cross-site request refused (${crossSite})` });
  const db = await getDb();
  const auth = authFor(db, isHttps(request.headers, request.url));
  const address = clientAddress(request);
  return path === "/sign-in/email" ? signIn(request, db, auth, address) : signOut(request, db, auth, address);
}

type Db = Awaited<ReturnType<typeof getDb>>;
type Auth = ReturnType<typeof authFor>;

async function signIn(request: Request, db: Db, auth: Auth, address: string): Promise<Response> {
  // Read with the limit (not request.json()): a body of any size would otherwise be held in memory.
  let text: string;
  try {
    text = await readBodyText(request, SIGN_IN_MAX_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      return jsonError(413, { code: "invalid_parameter", message: `body: expected at most ${SIGN_IN_MAX_BYTES} bytes` });
    return jsonError(400, { code: "invalid_parameter", message: "body: expected UTF-8 JSON" });
  }
  let parsed: z.infer<typeof signInBody>;
  try {
    parsed = signInBody.parse(JSON.parse(text));
  } catch {
    return jsonError(400, { code: "invalid_parameter", message: 'Send JSON: {"email": ..., "password": ...}' });
  }
  const email = parsed.email.trim().toLowerCase();
  const refusal = await signInRefusal(db, email, address);
  if (refusal) {
    await appendAccessLog(db, {
      action: "sign_in_refused",
      actorEmail: email,
      subject: { email },
      address,
      detail: { scope: refusal.scope },
    });
    return withRetryAfter(jsonError(429, { code: "rate_limited", message: refusalMessage(refusal) }), refusal.retryAt);
  }
  const staff = await db.staff.findUnique({ where: { email }, select: { id: true, email: true } });
  // The body was read above: better-auth gets the same text in a request of its own.
  const res = await auth.handler(new Request(request.url, { method: "POST", headers: jsonHeaders(request.headers), body: text }));
  if (res.ok) {
    await appendAccessLog(db, {
      action: "sign_in",
      actor: staff ? { ...staff, via: "session" } : null,
      actorEmail: email,
      subject: { id: staff?.id, email },
      address,
    });
    return withCookies(res, jsonOk({ ok: true }));
  }
  const code = await errorCode(res);
  if (res.status === 429)
    return jsonError(429, { code: "rate_limited", message: "Too many sign-in requests from your address. Wait a minute and try again." });
  const disabled = code === "BANNED_USER";
  await appendAccessLog(db, {
    action: "sign_in_failed",
    actorEmail: email,
    subject: { id: staff?.id, email },
    address,
    detail: { reason: disabled ? "account disabled" : staff ? "wrong password" : "unknown email" },
  });
  if (disabled) return jsonError(403, { code: "forbidden", message: "This account is disabled. Ask an admin to enable it." });
  if (res.status !== 401 && res.status !== 400) log("error", "sign_in_error", { status: res.status, code });
  return jsonError(401, { code: "unauthenticated", message: WRONG_CREDENTIALS });
}

async function signOut(request: Request, db: Db, auth: Auth, address: string): Promise<Response> {
  const who = await sessionPrincipal(db, request.headers, request.url);
  // Whatever body the client sent (it is never read), sign-out has no options: better-auth gets an empty JSON one.
  const res = await auth.handler(new Request(request.url, { method: "POST", headers: jsonHeaders(request.headers), body: "{}" }));
  if (!res.ok) {
    log("error", "sign_out_error", { status: res.status, body: (await res.clone().text()).slice(0, 200) });
    return jsonError(500, { code: "internal_error", message: "Could not sign out; try again." });
  }
  if (who) await appendAccessLog(db, { action: "sign_out", actor: { id: who.userId, email: who.email, via: who.via }, address });
  return withCookies(res, jsonOk({ ok: true }));
}

/** The client's headers for a JSON body of our own (its length is the new body's). */
function jsonHeaders(from: Headers): Headers {
  const headers = new Headers(from);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  return headers;
}

async function errorCode(res: Response): Promise<string | undefined> {
  try {
    const body = (await res.clone().json()) as { code?: unknown };
    return typeof body.code === "string" ? body.code : undefined;
  } catch {
    return undefined;
  }
}

function withRetryAfter(res: Response, retryAt: Date): Response {
  res.headers.set("retry-after", String(Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000))));
  return res;
}
