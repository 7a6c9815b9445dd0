import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, type Page, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { parseCsvObjects } from "../support/csv";
import { msgKeyCells, type SentRecall, sendRecall } from "../support/dashboard";

// Sent in this order. The Android ones (E2, E4, E5) are the filtered view below.
const RECALLS: SentRecall[] = [
  { from: "alice", to: "bob", msgKey: "E1", platform: "iOS", ip: "198.51.100.1", unread: 1 },
  { from: '=HYPERLINK("http://x","y")', to: "bob", msgKey: "E2", platform: "Android", ip: "198.51.100.2", unread: 0 },
  { from: "carol", to: "alice", msgKey: "E3", platform: "Web", ip: "198.51.100.3", unread: 3 },
  { from: "用户😀", to: "-dave", msgKey: "E4,with comma", platform: "Android", ip: "198.51.100.4", unread: 7 },
  { from: "erin", to: "frank", msgKey: "E5", platform: "android", ip: "198.51.100.5", unread: 12 },
];

let app: TestApp;
test.beforeAll(async () => {
  app = await startApp();
  for (const r of RECALLS) await sendRecall(app.url, r);
});
test.afterAll(async () => {
  await app?.stop();
});
test.beforeEach(async ({ page }) => {
  await signInAs(page, app, "auditor");
});

/** The recall log's rows as the CSV must hold them: what the table shows, oldest first. */
async function rowsOnScreen(page: Page) {
  const rows = page.locator("tbody tr[data-recall-id]");
  const out: Record<string, string>[] = [];
  for (let i = 0; i < (await rows.count()); i++) {
    const cells = rows.nth(i).locator("td");
    const text = async (n: number) => {
      const t = ((await cells.nth(n).textContent()) ?? "").trim();
      return t === "—" ? "" : t;
    };
    // The received time in full is the <time> element's machine-readable value (its title too).
    const iso = (await cells.nth(0).locator("time").getAttribute("datetime")) ?? "";
    out.push({
      received_at: iso,
      sdk_app_id: await text(8),
      from_account: await text(2),
      to_account: await text(3),
      msg_key: await text(4),
      unread_msg_num: await text(5),
      opt_platform: await text(6),
      client_ip: await text(7),
    });
  }
  return out.reverse();
}

/** What the export must write for a value: a leading ' for cells that start like a formula. */
const neutralised = (v: string) => (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v);

test("Export CSV on a filtered recall log downloads exactly the rows on screen, recorded on /exports", async ({ page }) => {
  await page.goto(`${app.url}/recalls`);
  await expect(msgKeyCells(page)).toHaveCount(RECALLS.length);
  await page.getByLabel("Platform").selectOption("Android");
  await expect(msgKeyCells(page)).toHaveText(["E5", "E4,with comma", "E2"]);

  // The count is shown before anything starts.
  await expect(page.getByTestId("export-status")).toHaveText("3 rows to export");
  const onScreen = await rowsOnScreen(page);

  // Keyboard: focus the button and press Enter.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).press("Enter");
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^recalls-\d{8}T\d{6}Z\.csv$/);
  const bytes = await readFile((await download.path()) ?? "");

  const { header, rows } = parseCsvObjects(bytes.toString("utf8"));
  expect(header).toEqual([
    "received_at",
    "event_time",
    "sdk_app_id",
    "from_account",
    "to_account",
    "msg_key",
    "unread_msg_num",
    "opt_platform",
    "client_ip",
  ]);
  expect(rows.map(({ event_time: _eventTime, ...r }) => r)).toEqual(
    onScreen.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, neutralised(v)]))),
  );
  // The formula is neutralised and the Unicode exact.
  expect(rows.map((r) => r.from_account)).toContain(`'=HYPERLINK("http://x","y")`);
  expect(rows.map((r) => r.from_account)).toContain("用户😀");
  await expect(page.getByTestId("export-status")).toContainText("Exporting 3 rows");

  // The export log holds the file's fingerprint.
  await page.goto(`${app.url}/exports`);
  const entry = page.getByTestId("export-entry").first();
  await expect(entry.getByTestId("export-filename")).toHaveText(download.suggestedFilename());
  await expect(entry.getByTestId("export-status")).toHaveText("Completed");
  await expect(entry.getByTestId("export-sha256")).toHaveText(createHash("sha256").update(bytes).digest("hex"));
  await expect(entry).toContainText("platform=Android");
  await expect(page.getByTestId("chain-status")).toContainText("Log intact");
});

test("a large export asks first, and Cancel starts nothing", async ({ page }) => {
  // The confirmation threshold is 100,000 rows: pretend the count says so.
  await page.route("**/api/recalls/export/count*", (route) => route.fulfill({ json: { count: 250_000, snapshotMaxId: 250_000 } }));
  await page.goto(`${app.url}/recalls`);
  await expect(page.getByTestId("export-status")).toHaveText("250,000 rows to export");
  let downloads = 0;
  page.on("download", () => downloads++);
  await page.getByRole("button", { name: "Export CSV" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Confirm a large export" });
  await expect(dialog).toContainText("Export 250,000 rows?");
  await expect(dialog.getByRole("button", { name: "Export 250,000 rows" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Export CSV" })).toBeFocused();
  expect(downloads).toBe(0);
});
