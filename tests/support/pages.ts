// Every page of the dashboard, with the least role that opens it and what shows once its data has
// loaded, for the browser tests that visit them all (i18n, accessibility, phone width). Language-
// neutral: readiness is checked through test ids and row counts, not words.
import { expect, type Page } from "@playwright/test";
import type { Role } from "@/lib/auth/roles";
import type { TestApp } from "./app";
import { sendRecall } from "./dashboard";

/** `path`: the test's name for it; `url()`: where to go, read when the test runs (after seeding). */
// Generous: these pages load their data after hydration, on a machine shared with other tests.
const LOADED = { timeout: 30_000 };

export type PageCase = { path: string; url: () => string; role: Role; ready: (page: Page) => Promise<void> };

/** Two recalls between i18n-alice and i18n-bob; returns the first one's id. */
export async function seedTwoRecalls(app: TestApp): Promise<number> {
  await sendRecall(app.url, { from: "i18n-alice", to: "i18n-bob", msgKey: "i18n-key-1", unread: 3 });
  await sendRecall(app.url, { from: "i18n-bob", to: "i18n-alice", msgKey: "i18n-key-2", unread: 1, platform: "Android" });
  const db = await app.db();
  return (await db.recall.findFirstOrThrow({ orderBy: { id: "asc" } })).id;
}

/** The pages once seedTwoRecalls has run; `recallId()` gives what it returned. */
export function dashboardPages(recallId: () => number): PageCase[] {
  const cases: Omit<PageCase, "url">[] = [
    { path: "/", role: "viewer", ready: (p) => expect(p.getByTestId("total-recalls")).toHaveText("2", LOADED) },
    { path: "/recalls", role: "viewer", ready: (p) => expect(p.locator("[data-recall-id]")).toHaveCount(2, LOADED) },
    { path: "/recalls/<id>", role: "viewer", ready: (p) => expect(p.locator('[data-field="Sender"]')).toHaveText("i18n-alice", LOADED) },
    { path: "/users", role: "viewer", ready: (p) => expect(p.locator("[data-user-id]")).toHaveCount(2, LOADED) },
    { path: "/users/i18n-alice", role: "viewer", ready: (p) => expect(p.getByTestId("counterparts")).toBeVisible(LOADED) },
    { path: "/exports", role: "auditor", ready: (p) => expect(p.getByTestId("chain-status")).toBeVisible(LOADED) },
    { path: "/audit", role: "auditor", ready: (p) => expect(p.locator("tbody tr").first()).toBeVisible(LOADED) },
    { path: "/settings/tokens", role: "auditor", ready: (p) => expect(p.locator("form")).toHaveCount(1, LOADED) },
    { path: "/admin/staff", role: "admin", ready: (p) => expect(p.locator("tbody tr").first()).toBeVisible(LOADED) },
    { path: "/admin/holds", role: "admin", ready: (p) => expect(p.locator("form")).toHaveCount(1, LOADED) },
  ];
  return cases.map((c) => ({ ...c, url: () => c.path.replace("<id>", String(recallId())) }));
}

/**
 * Client components have hydrated: the UTC toggle is pressed in the server's HTML (it cannot know
 * the viewer's zone) and unpressed once the client has read the stored choice (local by default).
 */
export async function hydrated(page: Page): Promise<void> {
  await expect(page.locator("header button[aria-pressed]", { hasText: "UTC" })).toHaveAttribute("aria-pressed", "false", LOADED);
}
