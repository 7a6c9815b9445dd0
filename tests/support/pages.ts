// Every page of the dashboard, with the least role that opens it and what shows once its data has
// loaded, for the browser tests that visit them all (i18n, accessibility, phone width). Language-
// neutral: readiness is checked through test ids and row counts, not words.
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, type Page } from "@playwright/test";
import type { Role } from "@/lib/auth/roles";
import { apiJson } from "./api";
import { startApp, TEST_APP_ID, type TestApp } from "./app";
import { sendRecall } from "./dashboard";

/** `path`: the test's name for it; `url()`: where to go, read when the test runs (after seeding). */
// Generous: these pages load their data after hydration, on a machine shared with other tests.
const LOADED = { timeout: 30_000 };

/** `file`: the page's file under app/ (login has its own tests: it is the one page for the signed-out). */
export type PageCase = { path: string; file: string; url: () => string; role: Role; ready: (page: Page) => Promise<void> };

/** What the page tests seed: the first recall's id and the alert channel's id. */
export type Seeded = { recallId: number; channelId: number };

/**
 * The app the page tests visit: alert channels may point at this machine (the seeded channel's
 * webhook is a closed local port, so its page has a failed delivery to show, as in real life).
 */
export function startPagesApp(): Promise<TestApp> {
  return startApp({ env: { ALERTS_ALLOW_PRIVATE_TARGETS: "1" } });
}

/** Two recalls between i18n-alice and i18n-bob; returns the first one's id. */
export async function seedTwoRecalls(app: TestApp): Promise<number> {
  await sendRecall(app.url, { from: "i18n-alice", to: "i18n-bob", msgKey: "i18n-key-1", unread: 3 });
  await sendRecall(app.url, { from: "i18n-bob", to: "i18n-alice", msgKey: "i18n-key-2", unread: 1, platform: "Android" });
  const db = await app.db();
  return (await db.recall.findFirstOrThrow({ orderBy: { id: "asc" } })).id;
}

/**
 * seedTwoRecalls, and an alert channel, a rule and a firing alert
 * (so the alert pages show rows, not their empty states).
 */
export async function seedPages(app: TestApp): Promise<Seeded> {
  const recallId = await seedTwoRecalls(app);
  const db = await app.db();
  const post = async (path: string, body: unknown) => {
    const res = await apiJson<{ id?: number }>(app, path, {
      method: "POST",
      body: JSON.stringify(body),
      headers: { "content-type": "application/json" },
    });
    if (res.status !== 201 || typeof res.body.id !== "number")
      throw new Error(`${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res.body.id;
  };
  const channelId = await post("/api/admin/channels", { kind: "webhook", name: "i18n-hook", url: "http://127.0.0.1:9/i18n-hook" });
  const ruleId = await post("/api/admin/alerts/rules", {
    name: "i18n-burst",
    kind: "burst",
    params: { count: 3, windowMinutes: 10 },
    apps: [],
    channelIds: [channelId],
  });
  const at = new Date();
  await db.alert.create({
    data: {
      ruleId,
      subject: new URLSearchParams({ app: TEST_APP_ID, from: "i18n-alice" }).toString(),
      status: "firing",
      firedAt: at,
      detail: JSON.stringify({ count: 3 }),
    },
  });
  await db.alertDelivery.create({
    data: { channelId, at, status: "failed", responseCode: null, error: "connect ECONNREFUSED", notifications: 1 },
  });
  return { recallId, channelId };
}

/**
 * Every page (app/**\/page.tsx) once the seed has run. A page added to app/ and not here fails
 * the test of this list (tests/browser/pages.spec.ts), so every page is checked in both languages,
 * for accessibility and at phone width.
 */
export function dashboardPages(seeded: () => Seeded): PageCase[] {
  const cases: (Omit<PageCase, "url"> & { file: string })[] = [
    { file: "page.tsx", path: "/", role: "viewer", ready: (p) => expect(p.getByTestId("total-recalls")).toHaveText("2", LOADED) },
    {
      file: "recalls/page.tsx",
      path: "/recalls",
      role: "viewer",
      ready: (p) => expect(p.locator("[data-recall-id]")).toHaveCount(2, LOADED),
    },
    {
      file: "recalls/[id]/page.tsx",
      path: "/recalls/<recall>",
      role: "viewer",
      ready: (p) => expect(p.locator('[data-field="Sender"]')).toHaveText("i18n-alice", LOADED),
    },
    { file: "users/page.tsx", path: "/users", role: "viewer", ready: (p) => expect(p.locator("[data-user-id]")).toHaveCount(2, LOADED) },
    {
      file: "users/[userId]/page.tsx",
      path: "/users/i18n-alice",
      role: "viewer",
      ready: (p) => expect(p.getByTestId("counterparts")).toBeVisible(LOADED),
    },
    { file: "alerts/page.tsx", path: "/alerts", role: "viewer", ready: (p) => expect(p.locator("[data-alert-id]")).toHaveCount(1, LOADED) },
    {
      file: "exports/page.tsx",
      path: "/exports",
      role: "auditor",
      ready: (p) => expect(p.getByTestId("chain-status")).toBeVisible(LOADED),
    },
    { file: "audit/page.tsx", path: "/audit", role: "auditor", ready: (p) => expect(p.locator("tbody tr").first()).toBeVisible(LOADED) },
    {
      file: "settings/tokens/page.tsx",
      path: "/settings/tokens",
      role: "auditor",
      ready: (p) => expect(p.locator("form")).toHaveCount(1, LOADED),
    },
    {
      file: "admin/staff/page.tsx",
      path: "/admin/staff",
      role: "admin",
      ready: (p) => expect(p.locator("tbody tr").first()).toBeVisible(LOADED),
    },
    { file: "admin/holds/page.tsx", path: "/admin/holds", role: "admin", ready: (p) => expect(p.locator("form")).toHaveCount(1, LOADED) },
    {
      file: "admin/alerts/page.tsx",
      path: "/admin/alerts",
      role: "admin",
      ready: (p) => expect(p.locator("tr[data-rule-name]")).toHaveCount(1, LOADED),
    },
    {
      file: "admin/channels/page.tsx",
      path: "/admin/channels",
      role: "admin",
      ready: (p) => expect(p.locator("tr[data-channel-name]")).toHaveCount(1, LOADED),
    },
    {
      file: "admin/channels/[id]/page.tsx",
      path: "/admin/channels/<channel>",
      role: "admin",
      // The failed delivery is retried with backoff meanwhile: one row or more.
      ready: (p) => expect(p.getByTestId("delivery-log").locator("tbody tr").first()).toBeVisible(LOADED),
    },
  ];
  return cases.map(({ file, ...c }) => ({
    ...c,
    file,
    url: () => c.path.replace("<recall>", String(seeded().recallId)).replace("<channel>", String(seeded().channelId)),
  }));
}

/** app/**\/page.tsx, relative to app/: every page the app has. */
export function pageFiles(dir = path.join(process.cwd(), "app")): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f === "page.tsx" || f.endsWith(`${path.sep}page.tsx`))
    .map((f) => f.split(path.sep).join("/"))
    .sort();
}

/**
 * Client components have hydrated: the UTC toggle is pressed in the server's HTML (it cannot know
 * the viewer's zone) and unpressed once the client has read the stored choice (local by default).
 */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("header button[aria-pressed]", { hasText: "UTC" })).toHaveAttribute("aria-pressed", "false", LOADED);
}
