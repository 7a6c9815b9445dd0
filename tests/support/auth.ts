// Signed-in requests for tests: staff accounts of each role on a test app, an API token header
// (`headersFor`) for the dashboard APIs, a session cookie (`sessionCookieFor`) for pages and
// browser-only paths. Accounts are made once per app and role; passwords are random per run.
import { randomBytes } from "node:crypto";
import { createApiToken } from "@/lib/auth/api-tokens";
import type { Role } from "@/lib/auth/roles";
import { createStaff } from "@/lib/auth/staff";
import type { Db } from "@/lib/db/client";

export type StaffLogin = { id: string; email: string; password: string; role: Role };

type AppLike = { url: string; db(): Promise<Db> };

const staffByApp = new Map<string, Map<Role, Promise<StaffLogin>>>();
const tokenByApp = new Map<string, Map<Role, Promise<string>>>();
const cookieByApp = new Map<string, Map<Role, Promise<string>>>();

function memo<T>(cache: Map<string, Map<Role, Promise<T>>>, app: AppLike, role: Role, make: () => Promise<T>): Promise<T> {
  const perApp = cache.get(app.url) ?? new Map<Role, Promise<T>>();
  cache.set(app.url, perApp);
  let value = perApp.get(role);
  if (!value) {
    value = make();
    perApp.set(role, value);
    value.catch(() => perApp.delete(role));
  }
  return value;
}

/** The app's database; a freshly started SQLite app may briefly hold the write lock. */
async function dbOf(app: AppLike): Promise<Db> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await app.db();
    } catch (error) {
      if (attempt >= 10 || !String(error).includes("SQLITE_BUSY")) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Creates a staff account with a random password straight in the app's database. */
export async function createTestStaff(
  app: AppLike,
  role: Role,
  email = `${role}-${randomBytes(3).toString("hex")}@test.example`,
): Promise<StaffLogin> {
  const password = `pw-${randomBytes(12).toString("base64url")}`;
  const created = await createStaff(await dbOf(app), { email, role, password }, { actor: null, address: "test" });
  return { id: created.id, email: created.email, password, role };
}

/** The one test account of `role` on `app` (created on first use). */
export function staffFor(app: AppLike, role: Role): Promise<StaffLogin> {
  return memo(staffByApp, app, role, () => createTestStaff(app, role, `${role}@test.example`));
}

/** `Authorization: Bearer` for the account of `role`: what the dashboard's JSON and export APIs accept from scripts. */
export async function headersFor(app: AppLike, role: Role): Promise<Record<string, string>> {
  const token = await memo(tokenByApp, app, role, async () => {
    const staff = await staffFor(app, role);
    // createApiToken refuses viewers (only auditors and admins may make tokens in the app); tests
    // need viewer requests too, so the viewer's token is made for an auditor-owned role cap.
    const owner = { id: staff.id, email: staff.email, role: role === "viewer" ? ("auditor" as const) : role };
    const created = await createApiToken(await dbOf(app), owner, { name: `test ${role}`, role, days: 1 }, { address: "test", via: "test" });
    return created.token;
  });
  return { authorization: `Bearer ${token}` };
}

/** Signs in through /api/auth/sign-in/email as the browser would; returns the Cookie header value. */
export async function signInCookie(app: { url: string }, login: { email: string; password: string }): Promise<string> {
  const res = await fetch(`${app.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "sec-fetch-site": "same-origin" },
    body: JSON.stringify({ email: login.email, password: login.password }),
  });
  if (res.status !== 200) throw new Error(`sign-in as ${login.email} answered ${res.status}: ${await res.text()}`);
  return res.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
}

/** A session Cookie header for the account of `role` (one sign-in per app and role). */
export async function sessionCookieFor(app: AppLike, role: Role): Promise<Record<string, string>> {
  const cookie = await memo(cookieByApp, app, role, async () => signInCookie(app, await staffFor(app, role)));
  return { cookie };
}
