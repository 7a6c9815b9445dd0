// Signing a browser test in: the page's context gets the session cookie of the test account of
// `role` (tests/support/auth.ts). The first call per app and role signs in through the real
// /api/auth/sign-in/email endpoint; later contexts reuse that session's cookie, so a spec with
// many tests does not sign in (and meet the sign-in rate limits) once per test. The sign-in form
// itself is exercised by tests/browser/auth.spec.ts.
import type { Cookie, Page } from "@playwright/test";
import type { Role } from "@/lib/auth/roles";
import type { TestApp } from "./app";
import { type StaffLogin, staffFor } from "./auth";

const cookies = new Map<string, Promise<Cookie[]>>();

export async function signInAs(page: Page, app: TestApp, role: Role): Promise<StaffLogin> {
  const login = await staffFor(app, role);
  const key = `${app.url} ${role}`;
  let jar = cookies.get(key);
  if (!jar) {
    jar = (async () => {
      const res = await page.request.post(`${app.url}/api/auth/sign-in/email`, {
        headers: { origin: app.url },
        data: { email: login.email, password: login.password },
      });
      if (res.status() !== 200) throw new Error(`signing in as ${login.email} answered ${res.status()}: ${await res.text()}`);
      return page.context().cookies(app.url);
    })();
    cookies.set(key, jar);
    jar.catch(() => cookies.delete(key));
    await jar;
  } else {
    await page.context().addCookies(await jar);
  }
  return login;
}
