// A database error's text (table names, SQL, file paths) never reaches an answer, a page or the
// export log's visible fields: they carry an id that finds the detail in the server log.
import { afterAll, beforeAll, expect, it } from "vitest";
import { EXPORT_PAGE_ROWS } from "@/lib/export/recalls-export";
import { apiFetch } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

async function renameTable(from: string, to: string) {
  const db = await appDb(app);
  await db.$executeRawUnsafe(`ALTER TABLE ${from} RENAME TO ${to}`);
}

it("records an export cut short by a database error as 'database error (log id …)', with the detail only in the log", async () => {
  const db = await appDb(app);
  for (let i = 0; i < 3; i++)
    await storeTestRecalls(
      db,
      Array.from({ length: EXPORT_PAGE_ROWS }, () => newRecall()),
    );

  const res = await apiFetch(app, `/api/recalls/export`);
  expect(res.status).toBe(200);
  const exportId = res.headers.get("x-export-id");
  const reader = res.body?.getReader();
  await reader?.read(); // the header; the export now reads page after page
  await renameTable("recalls", "recalls_away");
  try {
    // The download breaks instead of ending as if complete.
    await expect(
      (async () => {
        for (;;) if ((await reader?.read())?.done) return "ended";
      })(),
    ).rejects.toThrow();
  } finally {
    await renameTable("recalls_away", "recalls");
  }

  const list = (await (await apiFetch(app, `/api/exports`)).json()) as {
    items: { exportId: string; status: string; detail: string | null }[];
  };
  const entry = list.items.find((i) => i.exportId === exportId);
  expect(entry?.status).toBe("aborted");
  const id = /^database error \(log id ([a-z0-9]+)\)$/.exec(entry?.detail ?? "")?.[1];
  expect(id, entry?.detail ?? "").toBeDefined();
  const page = await (await apiFetch(app, `/exports`)).text();
  expect(page).toContain(`database error (log id ${id})`);
  expect(page).not.toMatch(/recalls_away|no such table|does not exist|SQLITE/i);
  // The server log has the detail under the same id.
  const line =
    app
      .logs()
      .split("\n")
      .find((l) => l.includes(`"errorId":"${id}"`)) ?? "";
  expect(line).toContain("recalls_export_failed");
  expect(line).toMatch(/recalls/);
});

it("shows a failed page as an error with an id, not the database's message", async () => {
  await renameTable("export_log", "export_log_away");
  let html: string;
  let status: number;
  try {
    const res = await apiFetch(app, `/exports`);
    status = res.status;
    html = await res.text();
  } finally {
    await renameTable("export_log_away", "export_log");
  }
  expect(status).toBe(500);
  expect(html).not.toMatch(/export_log|no such table|does not exist|prisma|SQLITE/i);
  // The error boundary (app/error.tsx) shows this digest in the browser (tests/browser/security.spec.ts).
  const digest = /"digest\\?":\\?"([^"\\]+)/.exec(html)?.[1];
  expect(digest).toMatch(/^\w+$/);
  const line =
    app
      .logs()
      .split("\n")
      .find((l) => l.includes(`"errorId":"${digest}"`)) ?? "";
  expect(line).toContain("page_error");
  expect(line).toContain("export_log");
});
