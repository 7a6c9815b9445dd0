// Sign-in, sessions, the failed sign-in limit, cross-site refusal, API tokens and staff
// management, over real HTTP against the production build.
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AccessAction } from "@/lib/audit/access-log";
import { startApp, type TestApp } from "../support/app";
import { createTestStaff, type StaffLogin, signInCookie } from "../support/auth";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

let app: TestApp;
beforeAll(async () => {
  // The tests play the proxy in front (127.0.0.1), so that each can name the client's address and
  // say the request came over HTTPS, as a TLS-terminating proxy would.
  app = await startApp({ env: { TRUST_PROXY: "loopback" } });
});
afterAll(async () => {
  await app?.stop();
});

type Json = { error?: { code: string; message: string }; [k: string]: unknown };

async function signIn(email: string, password: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: app.url, "sec-fetch-site": "same-origin", ...headers },
    body: JSON.stringify({ email, password }),
  });
  return { status: res.status, body: (await res.json()) as Json, cookies: res.headers.getSetCookie(), headers: res.headers };
}

/**
 * POSTs `body` to the sign-in endpoint on a connection of its own (the server closes it rather
 * than read the rest), with a Content-Length or in 16 KiB chunks without one.
 */
function postOversized(body: string, declareLength: boolean): Promise<{ status: number; body: string; setCookie: string[] }> {
  const { hostname, port } = new URL(app.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      origin: app.url,
      "sec-fetch-site": "same-origin",
    };
    if (declareLength) headers["content-length"] = Buffer.byteLength(body);
    let answered = false;
    const req = httpRequest({ hostname, port, path: "/api/auth/sign-in/email", method: "POST", headers, agent: false }, (res) => {
      answered = true;
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        text += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text, setCookie: res.headers["set-cookie"] ?? [] }));
      res.on("error", reject);
    });
    // Writing may fail once the server has answered and closed: the answer is what is checked.
    req.on("error", (error) => (answered ? undefined : reject(error)));
    for (let i = 0; i < body.length; i += 16_384) req.write(body.slice(i, i + 16_384));
    req.end();
  });
}

const cookieOf = (setCookies: string[]) => setCookies.map((c) => c.split(";")[0]).join("; ");

async function api(pathname: string, init: RequestInit & { headers?: Record<string, string> } = {}) {
  const res = await fetch(`${app.url}${pathname}`, { redirect: "manual", ...init });
  const text = await res.text();
  let body: Json = {};
  try {
    body = JSON.parse(text) as Json;
  } catch {}
  return { status: res.status, body, text, headers: res.headers };
}

async function actions(since: Date): Promise<AccessAction[]> {
  const rows = await (await appDb(app)).accessLog.findMany({ where: { at: { gte: since } }, orderBy: { id: "asc" } });
  return rows.map((r) => r.action as AccessAction);
}

describe("signing in and out", () => {
  let viewer: StaffLogin;
  beforeAll(async () => {
    viewer = await createTestStaff(app, "viewer");
  });

  it("sets an HttpOnly, SameSite=Lax session cookie and no token in the body; the session then reads the API", async () => {
    const res = await signIn(viewer.email.toUpperCase(), viewer.password);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const session = res.cookies.find((c) => c.startsWith("better-auth.session_token="));
    expect(session).toMatch(/HttpOnly/i);
    expect(session).toMatch(/SameSite=Lax/i);
    expect(session).not.toMatch(/Secure/i);
    const list = await api("/api/recalls?limit=1", { headers: { cookie: cookieOf(res.cookies) } });
    expect(list.status).toBe(200);
  });

  it("marks the cookie Secure (and __Secure-) when a proxy says the request came over HTTPS", async () => {
    const res = await signIn(viewer.email, viewer.password, { "x-forwarded-proto": "https", origin: app.url.replace("http:", "https:") });
    expect(res.status).toBe(200);
    const session = res.cookies.find((c) => c.startsWith("__Secure-better-auth.session_token="));
    expect(session).toMatch(/; Secure/i);
    expect(session).toMatch(/HttpOnly/i);
  });

  it("signs out: the cookie is cleared, the session no longer works, and both are logged", async () => {
    const since = new Date();
    const cookie = cookieOf((await signIn(viewer.email, viewer.password)).cookies);
    const out = await api("/api/auth/sign-out", {
      method: "POST",
      headers: { cookie, origin: app.url, "content-type": "application/json" },
      body: "{}",
    });
    expect(out.status).toBe(200);
    expect(out.headers.getSetCookie().some((c) => /^better-auth\.session_token=;/.test(c))).toBe(true);
    expect((await api("/api/recalls", { headers: { cookie } })).status).toBe(401);
    expect(await actions(since)).toEqual(["sign_in", "sign_out"]);
  });

  it("gives a wrong password and an unknown email the same answer", async () => {
    const wrong = await signIn(viewer.email, "not the password at all");
    const unknown = await signIn("nobody-here@test.example", "not the password at all");
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(wrong.body.error?.message).toBe("Wrong email or password.");
  });

  it("ends a session that has been idle longer than SESSION_IDLE_MINUTES", async () => {
    const cookie = cookieOf((await signIn(viewer.email, viewer.password)).cookies);
    expect((await api("/api/recalls", { headers: { cookie } })).status).toBe(200);
    const db = await appDb(app);
    const nineHoursAgo = new Date(Date.now() - 9 * 3600_000);
    await db.staffSession.updateMany({ where: { userId: viewer.id }, data: { updatedAt: nineHoursAgo } });
    expect((await api("/api/recalls", { headers: { cookie } })).status).toBe(401);
    const page = await api("/recalls", { headers: { cookie } });
    expect(page.status).toBe(307);
  });

  it("ends a session at its absolute lifetime however recently it was used", async () => {
    const cookie = cookieOf((await signIn(viewer.email, viewer.password)).cookies);
    const db = await appDb(app);
    await db.staffSession.updateMany({
      where: { userId: viewer.id },
      data: { expiresAt: new Date(Date.now() - 1000), updatedAt: new Date() },
    });
    expect((await api("/api/recalls", { headers: { cookie } })).status).toBe(401);
  });

  it("refuses a sign-in body over 4 KiB with 413, declared or streamed, and signs the next one in", async () => {
    const huge = JSON.stringify({ email: viewer.email, password: viewer.password, pad: "x".repeat(1024 * 1024) });
    const declared = await postOversized(huge, true);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body).error.message).toBe("body: expected at most 4096 bytes");
    expect(declared.setCookie).toEqual([]);
    // No Content-Length (chunked): the server stops reading once the limit is passed.
    expect((await postOversized(huge, false)).status).toBe(413);
    expect((await signIn(viewer.email, viewer.password)).status).toBe(200);
  });

  it("redirects a signed-in visitor of /login to a same-origin next only", async () => {
    const cookie = cookieOf((await signIn(viewer.email, viewer.password)).cookies);
    const back = await api(`/login?next=${encodeURIComponent("/users?q=a")}`, { headers: { cookie } });
    expect(back.status).toBe(307);
    expect(back.headers.get("location")).toBe("/users?q=a");
    for (const evil of ["https://evil.example/x", "//evil.example/x", "/\\evil.example"]) {
      const res = await api(`/login?next=${encodeURIComponent(evil)}`, { headers: { cookie } });
      expect(res.headers.get("location")).toBe("/");
    }
  });
});

describe("failed sign-in limit", () => {
  it("refuses the 6th attempt within 15 minutes for an account and says when to retry, even with the right password", async () => {
    const victim = await createTestStaff(app, "viewer");
    const since = new Date();
    // Different client addresses (as through a proxy), so only the per-account limit applies.
    for (let i = 1; i <= 5; i++) {
      const res = await signIn(victim.email, `wrong password ${i}`, { "x-forwarded-for": `198.51.100.${i}` });
      expect(res.status).toBe(401);
    }
    const refused = await signIn(victim.email, victim.password, { "x-forwarded-for": "198.51.100.9" });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.code).toBe("rate_limited");
    expect(refused.body.error?.message).toMatch(
      /^Too many failed sign-ins for this account \(5 in 15 minutes\)\. Try again at \d\d:\d\d UTC \(in 1[45] minutes\)\.$/,
    );
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(await actions(since)).toEqual([
      "sign_in_failed",
      "sign_in_failed",
      "sign_in_failed",
      "sign_in_failed",
      "sign_in_failed",
      "sign_in_refused",
    ]);
  });

  it("refuses a client address after 5 failures across different accounts", async () => {
    const address = "203.0.113.77";
    for (let i = 1; i <= 5; i++)
      expect((await signIn(`guess${i}@test.example`, "whatever it is", { "x-forwarded-for": address })).status).toBe(401);
    const someone = await createTestStaff(app, "viewer");
    const refused = await signIn(someone.email, someone.password, { "x-forwarded-for": address });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.message).toMatch(/for your network address .*Try again at \d\d:\d\d UTC/);
    expect((await signIn(someone.email, someone.password, { "x-forwarded-for": "203.0.113.78" })).status).toBe(200);
  });
});

describe("cross-site requests", () => {
  it("refuses a sign-in form posted from another site", async () => {
    const viewer = await createTestStaff(app, "viewer");
    const res = await signIn(viewer.email, viewer.password, { origin: "https://evil.example", "sec-fetch-site": "cross-site" });
    expect(res.status).toBe(403);
    expect(res.cookies).toEqual([]);
  });

  it("refuses a forged cross-site POST carrying an admin's session cookie, and changes nothing", async () => {
    const admin = await app.cookieFor("admin");
    const target = await createTestStaff(app, "viewer");
    const forged = await api(`/api/admin/staff/${target.id}`, {
      method: "PATCH",
      headers: { ...admin, origin: "https://evil.example", "sec-fetch-site": "cross-site", "content-type": "application/json" },
      body: JSON.stringify({ role: "admin" }),
    });
    expect(forged.status).toBe(403);
    expect(forged.body.error?.code).toBe("cross_site");
    const noOrigin = await api(`/api/admin/staff/${target.id}`, {
      method: "PATCH",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ role: "admin" }),
    });
    expect(noOrigin.status).toBe(403);
    expect((await (await appDb(app)).staff.findUnique({ where: { id: target.id } }))?.role).toBe("viewer");
  });

  it("refuses a cross-site GET of the export URL (a link on another site) and logs nothing", async () => {
    const db = await appDb(app);
    const auditor = await app.cookieFor("auditor");
    const [exportsBefore, accessBefore] = [await db.exportLog.count(), await db.accessLog.count()];
    for (const site of ["cross-site", "same-site"]) {
      const res = await api("/api/recalls/export", { headers: { ...auditor, "sec-fetch-site": site, "sec-fetch-mode": "navigate" } });
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe("cross_site");
    }
    expect(await db.exportLog.count()).toBe(exportsBefore);
    expect(await db.accessLog.count()).toBe(accessBefore);
    // The same link followed on this site works.
    const own = await api("/api/recalls/export", { headers: { ...auditor, "sec-fetch-site": "same-origin" } });
    expect(own.status).toBe(200);
  });
});

describe("API tokens", () => {
  async function newToken(owner: StaffLogin, body: Record<string, unknown>) {
    const cookie = cookieOf((await signIn(owner.email, owner.password)).cookies);
    return api("/api/tokens", {
      method: "POST",
      headers: { cookie, origin: app.url, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
  }

  it("works on JSON and export APIs, records its first use of the day, and stops when revoked", async () => {
    const auditor = await createTestStaff(app, "auditor");
    const since = new Date();
    const created = await newToken(auditor, { name: "nightly", role: "auditor", days: 30 });
    expect(created.status).toBe(201);
    const token = String(created.body.token);
    expect(token).toMatch(/^rmt_[0-9a-f]{8}_/);
    const db = await appDb(app);
    const stored = await db.apiToken.findFirst({ where: { userId: auditor.id } });
    expect(stored?.prefix).toBe(token.slice(0, 12));
    expect(stored?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(stored?.tokenHash).not.toContain(token.slice(13));

    const bearer = { authorization: `Bearer ${token}` };
    expect((await api("/api/recalls?limit=1", { headers: bearer })).status).toBe(200);
    expect((await api("/api/recalls/export", { headers: bearer })).status).toBe(200);
    expect((await api("/api/recalls", { headers: bearer })).status).toBe(200);
    expect((await db.apiToken.findFirst({ where: { id: stored?.id } }))?.lastUsedAt).not.toBeNull();
    expect((await actions(since)).filter((a) => a.startsWith("token_"))).toEqual(["token_created", "token_used"]);

    const cookie = cookieOf((await signIn(auditor.email, auditor.password)).cookies);
    const revoke = await api(`/api/tokens/${stored?.id}`, { method: "DELETE", headers: { cookie, origin: app.url } });
    expect(revoke.status).toBe(200);
    const after = await api("/api/recalls", { headers: bearer });
    expect(after.status).toBe(401);
    expect(after.body.error?.code).toBe("unauthenticated");
    expect(await actions(since)).toContain("token_revoked");
  });

  it("answers 401 once expired, and when its owner is disabled", async () => {
    const auditor = await createTestStaff(app, "auditor");
    const token = String((await newToken(auditor, { name: "short", role: "viewer", days: 1 })).body.token);
    const bearer = { authorization: `Bearer ${token}` };
    expect((await api("/api/recalls", { headers: bearer })).status).toBe(200);
    const db = await appDb(app);
    await db.apiToken.updateMany({ where: { userId: auditor.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await api("/api/recalls", { headers: bearer })).status).toBe(401);

    const other = String((await newToken(auditor, { name: "other", role: "viewer", days: 1 })).body.token);
    expect((await api("/api/recalls", { headers: { authorization: `Bearer ${other}` } })).status).toBe(200);
    const admin = await app.headersFor("admin");
    const disable = await api(`/api/admin/staff/${auditor.id}`, {
      method: "PATCH",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ disabled: true }),
    });
    expect(disable.status).toBe(200);
    expect((await api("/api/recalls", { headers: { authorization: `Bearer ${other}` } })).status).toBe(401);
  });

  it("gives a viewer-role token no export, and refuses a role above the owner's or an expiry over 365 days", async () => {
    const auditor = await createTestStaff(app, "auditor");
    const token = String((await newToken(auditor, { name: "read only", role: "viewer", days: 7 })).body.token);
    const res = await api("/api/recalls/export", { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(403);
    expect(res.body.error?.code).toBe("forbidden");
    const tooHigh = await newToken(auditor, { name: "x", role: "admin", days: 7 });
    expect(tooHigh.status).toBe(400);
    expect(tooHigh.body.error?.message).toMatch(/cannot be higher than yours/);
    const tooLong = await newToken(auditor, { name: "x", role: "viewer", days: 366 });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error?.message).toMatch(/at most 365 days/);
    const viewer = await createTestStaff(app, "viewer");
    expect((await newToken(viewer, { name: "x", role: "viewer", days: 7 })).status).toBe(403);
  });

  it("answers 401 to a malformed or unknown token even beside a valid session cookie", async () => {
    const cookie = await app.cookieFor("viewer");
    for (const authorization of ["Bearer nonsense", `Bearer rmt_00000000_${"A".repeat(43)}`, "Basic dXNlcjpwYXNz"]) {
      expect((await api("/api/recalls", { headers: { ...cookie, authorization } })).status).toBe(401);
    }
  });
});

describe("staff management", () => {
  const adminApi = async (pathname: string, method: string, body?: unknown) =>
    api(pathname, {
      method,
      headers: { ...(await app.headersFor("admin")), "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it("creates an account that can sign in, refusing short and common passwords", async () => {
    expect(
      (await adminApi("/api/admin/staff", "POST", { email: "new1@test.example", role: "viewer", password: "short" })).body.error?.message,
    ).toMatch(/at least 12 characters/);
    expect(
      (await adminApi("/api/admin/staff", "POST", { email: "new1@test.example", role: "viewer", password: "qwerty123456" })).body.error
        ?.message,
    ).toMatch(/common passwords/);
    const created = await adminApi("/api/admin/staff", "POST", {
      email: "New1@Test.example",
      role: "auditor",
      password: "a long enough passphrase",
    });
    expect(created.status).toBe(201);
    expect(created.body.email).toBe("new1@test.example");
    expect((await signIn("new1@test.example", "a long enough passphrase")).status).toBe(200);
    expect(
      (await adminApi("/api/admin/staff", "POST", { email: "new1@test.example", role: "viewer", password: "another long passphrase" }))
        .status,
    ).toBe(409);
  });

  it("never demotes, disables or leaves without the last active admin", async () => {
    // A database of its own, so that the test's admin really is the only one.
    const solo = await startApp();
    try {
      const admin = await createTestStaff(solo, "admin");
      const cookie = await signInCookie(solo, admin);
      const send = (pathname: string, body: unknown) =>
        fetch(`${solo.url}${pathname}`, {
          method: "PATCH",
          headers: { cookie, origin: solo.url, "content-type": "application/json" },
          body: JSON.stringify(body),
        });
      for (const change of [{ role: "auditor" }, { disabled: true }]) {
        const res = await send(`/api/admin/staff/${admin.id}`, change);
        expect(res.status).toBe(409);
        expect(((await res.json()) as Json).error?.message).toMatch(/last active admin/);
      }
      const second = await createTestStaff(solo, "admin");
      expect((await send(`/api/admin/staff/${admin.id}`, { role: "auditor" })).status).toBe(200);
      expect((await send(`/api/admin/staff/${second.id}`, { disabled: true })).status).toBe(403);
    } finally {
      await solo.stop();
    }
  });

  it("resets a password and ends sessions, logging each change", async () => {
    const person = await createTestStaff(app, "viewer");
    const since = new Date();
    const cookie = cookieOf((await signIn(person.email, person.password)).cookies);
    expect((await adminApi(`/api/admin/staff/${person.id}`, "PATCH", { role: "auditor" })).status).toBe(200);
    expect((await adminApi(`/api/admin/staff/${person.id}/sessions`, "DELETE")).body).toEqual({ ended: 1 });
    expect((await api("/api/recalls", { headers: { cookie } })).status).toBe(401);
    expect((await adminApi(`/api/admin/staff/${person.id}/password`, "POST", { password: "a brand new passphrase" })).status).toBe(200);
    expect((await signIn(person.email, person.password)).status).toBe(401);
    expect((await signIn(person.email, "a brand new passphrase")).status).toBe(200);
    expect((await adminApi(`/api/admin/staff/${person.id}`, "PATCH", { disabled: true })).status).toBe(200);
    const disabled = await signIn(person.email, "a brand new passphrase");
    expect(disabled.status).toBe(403);
    expect(disabled.body.error?.message).toMatch(/disabled/);
    expect((await adminApi(`/api/admin/staff/${person.id}`, "PATCH", { disabled: false })).status).toBe(200);
    expect(await actions(since)).toEqual([
      "sign_in",
      "role_changed",
      "sessions_ended",
      "password_reset",
      "sign_in_failed",
      "sign_in",
      "staff_disabled",
      "sign_in_failed",
      "staff_enabled",
    ]);
  });
});

describe("access log", () => {
  it("records exports (linked to the export log), views of one recall or one user, and its own export", async () => {
    const db = await appDb(app);
    const [id] = await storeTestRecalls(db, [newRecall({ fromAccount: "looked-at" })]);
    const auditor = await app.headersFor("auditor");
    const since = new Date();
    const exported = await api("/api/recalls/export?user=looked-at", { headers: auditor });
    expect(exported.status).toBe(200);
    expect((await api(`/api/recalls/${id}`, { headers: auditor })).status).toBe(200);
    expect((await api("/api/users/looked-at/trend", { headers: auditor })).status).toBe(200);
    const log = await api("/api/audit/export?action=csv_export", { headers: auditor });
    expect(log.status).toBe(200);

    // (The token's first use today may add a token_used entry too.)
    const rows = await db.accessLog.findMany({ where: { at: { gte: since }, NOT: { action: "token_used" } }, orderBy: { id: "asc" } });
    expect(rows.map((r) => [r.action, r.target])).toEqual([
      ["csv_export", expect.stringMatching(/^recalls-.*\.csv$/)],
      ["recall_viewed", String(id)],
      ["user_viewed", "looked-at"],
      ["access_log_export", null],
    ]);
    const exportId = exported.headers.get("x-export-id");
    expect(rows[0]?.exportId).toBe(exportId);
    expect(await db.exportLog.count({ where: { exportId: exportId ?? "" } })).toBeGreaterThan(0);
    expect(log.text.split("\r\n")[0]).toBe("id,at,action,actor,via,subject,target,address,export_id,detail");
    expect(log.text).toContain(`,csv_export,auditor@test.example,token:`);
    expect(log.text).toContain(exportId ?? "missing");

    const listed = await api("/api/audit?action=recall_viewed", { headers: auditor });
    expect((listed.body.items as { target: string }[])[0]?.target).toBe(String(id));
  });

  it("cannot be changed or deleted, even with direct database access", async () => {
    const db = await appDb(app);
    const any = await db.accessLog.findFirst();
    expect(any).not.toBeNull();
    const count = await db.accessLog.count();
    await expect(db.accessLog.updateMany({ data: { action: "edited" } })).rejects.toThrow();
    await expect(db.accessLog.deleteMany({})).rejects.toThrow();
    await expect(db.$executeRaw`UPDATE access_log SET address = 'elsewhere'`).rejects.toThrow();
    expect(await db.accessLog.count()).toBe(count);
    expect((await db.accessLog.findFirst({ where: { id: any?.id } }))?.action).toBe(any?.action);
  });
});
