// Every page and API in app/, found by walking the folder (so routes added later are covered
// without touching this file), requested anonymously: each must refuse unless it is on the public
// list below. Pages must redirect to /login?next=<the page>; APIs must answer 401 JSON. With a
// viewer's credentials, every route that declares a higher role must answer 403.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";

/** The only things an anonymous visitor may reach (issue 7): "<METHOD> <route file's URL pattern>". */
const PUBLIC = new Set([
  "POST /api/im/callback", // its own SdkAppid/Sign checks
  "GET /api/im/callback", // answers 405: callbacks are POSTs
  "GET /api/health", // readiness, for load balancers
  "GET /api/health/live", // liveness
  "GET /api/auth/[...all]", // sign-in and sign-out only, see lib/auth/auth-endpoint.ts
  "POST /api/auth/[...all]",
  "POST /api/bench/parse-only", // 404 unless ENABLE_BENCH_ROUTES=1; never touches the database
  "POST /api/bench/no-op", // 404 unless ENABLE_BENCH_ROUTES=1; reads nothing
  "GET /login",
]);

type Entry = { kind: "page" | "api"; method: string; pattern: string; url: string; minimumRole: string | null };

const APP_DIR = path.join(process.cwd(), "app");
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? walk(path.join(dir, d.name)) : /^(page\.tsx|route\.ts)$/.test(d.name) ? [path.join(dir, d.name)] : [],
  );
}

/** The URL pattern of a route file (route groups dropped) and a URL that matches it. */
function urlOf(file: string): { pattern: string; url: string } {
  const segments = path
    .relative(APP_DIR, path.dirname(file))
    .split(path.sep)
    .filter((s) => s && !/^\(.*\)$/.test(s));
  const pattern = `/${segments.join("/")}`;
  const url = `/${segments.map((s) => (s.startsWith("[...") || s.startsWith("[[...") ? "anything/else" : s.startsWith("[") ? "0123456789abcdef0123456789abcdef" : s)).join("/")}`;
  return { pattern, url };
}

function inventory(): Entry[] {
  return walk(APP_DIR).flatMap((file): Entry[] => {
    const source = readFileSync(file, "utf8");
    const { pattern, url } = urlOf(file);
    if (file.endsWith("page.tsx")) {
      const role = /requireStaffPage\(\s*"(viewer|auditor|admin)"/.exec(source)?.[1] ?? null;
      return [{ kind: "page", method: "GET", pattern, url, minimumRole: role }];
    }
    const role = /apiRoute(?:<[^>]*>)?\(\s*\{\s*role:\s*"(viewer|auditor|admin)"/.exec(source)?.[1] ?? null;
    return METHODS.filter((m) => new RegExp(`export\\s+(const|async function|function)\\s+${m}\\b`).test(source)).map((method) => ({
      kind: "api" as const,
      method,
      pattern,
      url,
      minimumRole: role,
    }));
  });
}

const ROUTES = inventory();
const isPublic = (e: Entry) => PUBLIC.has(`${e.method} ${e.pattern}`);

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

it("finds the app's pages and APIs (the walk itself works)", () => {
  const names = ROUTES.map((e) => `${e.method} ${e.pattern}`);
  for (const expected of [
    "GET /",
    "GET /recalls",
    "GET /exports",
    "GET /api/recalls",
    "GET /api/recalls/export",
    "POST /api/im/callback",
    "GET /audit",
  ]) {
    expect(names).toContain(expected);
  }
  // Every public entry still exists, so the list cannot silently cover a removed route's new twin.
  for (const name of PUBLIC) expect(names).toContain(name);
});

describe.each(ROUTES.filter((e) => !isPublic(e)).map((e) => [`${e.method} ${e.url}`, e] as const))("anonymous %s", (_name, entry) => {
  it(entry.kind === "page" ? "redirects to /login?next=<the page>" : "answers 401 unauthenticated", async () => {
    const res = await fetch(`${app.url}${entry.url}`, {
      method: entry.method,
      redirect: "manual",
      headers: entry.method === "GET" ? {} : { "content-type": "application/json" },
      body: entry.method === "GET" || entry.method === "HEAD" ? undefined : "{}",
    });
    if (entry.kind === "page") {
      expect(res.status).toBe(307);
      const location = new URL(res.headers.get("location") ?? "", app.url);
      expect(location.pathname).toBe("/login");
      expect(location.searchParams.get("next")).toBe(entry.url);
    } else {
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("unauthenticated");
    }
  });
});

describe.each(
  ROUTES.filter((e) => !isPublic(e) && e.minimumRole && e.minimumRole !== "viewer").map((e) => [`${e.method} ${e.url}`, e] as const),
)("a viewer asking for %s", (_name, entry) => {
  it(`is refused with 403 (needs ${entry.minimumRole})`, async () => {
    const headers = entry.kind === "page" ? await app.cookieFor("viewer") : await app.headersFor("viewer");
    const res = await fetch(`${app.url}${entry.url}`, {
      method: entry.method,
      redirect: "manual",
      headers: { ...headers, ...(entry.method === "GET" ? {} : { "content-type": "application/json", origin: app.url }) },
      body: entry.method === "GET" ? undefined : "{}",
    });
    expect(res.status).toBe(403);
  });
});

it("declares a minimum role on every protected page and API", () => {
  const undeclared = ROUTES.filter((e) => !isPublic(e) && !e.minimumRole).map((e) => `${e.method} ${e.pattern}`);
  expect(undeclared).toEqual([]);
});

it("never lets an API token open a page", async () => {
  const res = await fetch(`${app.url}/recalls`, { redirect: "manual", headers: await app.headersFor("admin") });
  expect(res.status).toBe(307);
  expect(res.headers.get("location")).toContain("/login?next=%2Frecalls");
});

it("serves the public entries without a session", async () => {
  expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  expect((await fetch(`${app.url}/api/health/live`)).status).toBe(200);
  expect((await fetch(`${app.url}/login`)).status).toBe(200);
});

it("keeps the benchmark routes closed unless ENABLE_BENCH_ROUTES=1", async () => {
  for (const route of ["/api/bench/parse-only", "/api/bench/no-op"]) {
    const res = await fetch(`${app.url}${route}`, { method: "POST", body: "{}" });
    expect(res.status, route).toBe(404);
  }
});

// Every dashboard read yields to the receiver (lib/api/dashboard-gate.ts) unless it is on this list.
const UNGATED = new Set([
  "/api/metrics", // a scrape must show an overloaded dashboard, not wait behind it
  "/api/recalls/stream", // opening is cheap and limited on its own; reconnects must not be refused
]);

it("puts every dashboard read behind the dashboard gate except the listed few", () => {
  const ungated = walk(APP_DIR)
    .filter((file) => file.endsWith("route.ts") && /gated:\s*false/.test(readFileSync(file, "utf8")))
    .map((file) => urlOf(file).pattern);
  expect(new Set(ungated)).toEqual(UNGATED);
});
