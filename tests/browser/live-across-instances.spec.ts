// Two app instances on one PostgreSQL database behind a load balancer: a browser on instance A
// sees, live, the recalls that instance B received.
import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { msgKeyCells, sendRecall, waitUntilLive } from "../support/dashboard";
import { createTestDatabase, type TestDatabase } from "../support/databases";

let shared: TestDatabase;
let a: TestApp;
let b: TestApp;
test.beforeAll(async () => {
  shared = await createTestDatabase("postgresql");
  // Neither app drops the database the other still uses: it is dropped once, at the end.
  const borrowed = { database: shared.database, drop: async () => {} };
  // A's streams never poll within the test: B's recalls can reach A's page only as PostgreSQL notifications.
  [a, b] = await Promise.all([startApp({ database: borrowed, env: { STREAM_POLL_MS: "600000" } }), startApp({ database: borrowed })]);
});
test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await shared?.drop();
});

test("recalls called back to instance B appear live on /recalls opened on instance A", async ({ page }) => {
  await signInAs(page, a, "viewer");
  await page.goto(`${a.url}/recalls`);
  await waitUntilLive(page);
  await expect(page.getByText(/^No recalls yet\./)).toBeVisible();

  await sendRecall(b.url, { from: "ann", to: "ben", msgKey: "FROM-B-1" });
  await expect(msgKeyCells(page)).toHaveText(["FROM-B-1"]);
  await sendRecall(b.url, { from: "cy", to: "dee", msgKey: "FROM-B-2" });
  await sendRecall(a.url, { from: "ann", to: "dee", msgKey: "FROM-A-1" });
  await expect(msgKeyCells(page)).toHaveText(["FROM-A-1", "FROM-B-2", "FROM-B-1"]);
});
