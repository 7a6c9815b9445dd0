// better-auth, configured once: email + password against our Prisma models, sessions and rate
// limits in the database (so several instances agree), the admin plugin for roles and disabled
// accounts. Only lib/auth and the /api/auth route use it directly.
import { randomBytes } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { admin } from "better-auth/plugins/admin";
import { adminAc, userAc } from "better-auth/plugins/admin/access";
import { config } from "@/lib/config";
import { type Db, getDb } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";
import { requestOrigin } from "@/lib/http/same-origin";

/** Outside production with no AUTH_SECRET anywhere: sessions last as long as the process. */
const secret = config.auth.secret ?? randomBytes(32).toString("base64url");
/** The secret in use, for a benchmark that checks, in its own process, sessions its server signed. */
export const authSecretInUse = secret;

// The absolute lifetime is better-auth's own expiresIn, never extended; idle expiry is checked
// against the session's updatedAt in lib/auth/session.ts. (better-auth's sliding refresh would
// extend expiresAt forever and re-set the cookie only on responses it writes itself.)
const SESSION_LIFETIME_SECONDS = config.auth.sessionMaxHours * 3600;

function build(db: Db, secure: boolean) {
  return betterAuth({
    appName: "Recall Monitor",
    secret,
    telemetry: { enabled: false },
    logger: { level: "error" },
    // better-auth's CSRF check compares a cookie-carrying request's Origin with these: the site the
    // browser addressed, so the app works under any host name without configuring one.
    trustedOrigins: (request) => (request ? [requestOrigin(request.headers, request.url)] : []),
    database: prismaAdapter(db, { provider: dialectOf(db) }),
    emailAndPassword: {
      enabled: true,
      // Accounts are created by admins (and `npm run staff:create`), never by visitors.
      disableSignUp: true,
      minPasswordLength: 12,
      maxPasswordLength: 256,
    },
    user: { modelName: "staff" },
    session: {
      modelName: "staffSession",
      expiresIn: SESSION_LIFETIME_SECONDS,
      disableSessionRefresh: true,
      // Every request reads the session row, so a disabled account or an ended session stops at once.
      cookieCache: { enabled: false },
    },
    account: { modelName: "staffAccount" },
    verification: { modelName: "authVerification" },
    rateLimit: {
      enabled: true,
      storage: "database",
      modelName: "authRateLimit",
      window: 60,
      max: 100,
      // Failed sign-ins have their own per-account and per-address limit (lib/auth/sign-in-limit.ts);
      // this only stops floods.
      customRules: { "/sign-in/email": { window: 60, max: 30 } },
    },
    advanced: {
      useSecureCookies: secure,
      defaultCookieAttributes: { httpOnly: true, sameSite: "lax", secure },
      database: { generateId: () => randomBytes(16).toString("hex") },
    },
    plugins: [
      admin({
        defaultRole: "viewer",
        adminRoles: ["admin"],
        roles: { viewer: userAc, auditor: userAc, admin: adminAc },
        bannedUserMessage: "This account is disabled. Ask an admin to enable it.",
      }),
    ],
  });
}

export type Auth = ReturnType<typeof build>;

// Cookies are Secure when the request came over HTTPS (directly or per X-Forwarded-Proto); the
// Secure instance also names its cookie with the __Secure- prefix, so each reads only its own.
// One pair per database client (the app has one; scripts and benchmarks may open their own).
const instances = new WeakMap<Db, { secure: Auth; plain: Auth }>();

export function authFor(db: Db, secure: boolean): Auth {
  let both = instances.get(db);
  if (!both) {
    both = { secure: build(db, true), plain: build(db, false) };
    instances.set(db, both);
  }
  return secure ? both.secure : both.plain;
}

export async function getAuth(secure: boolean): Promise<Auth> {
  return authFor(await getDb(), secure);
}
