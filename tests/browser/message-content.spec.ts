// Captured content in a real browser: an auditor clicks "Show content" on a recalled message and
// reads its text (rendered as text, not HTML); a viewer sees only that content exists.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { startApp, type TestApp } from "../support/app";
import { signInAs } from "../support/browser-auth";
import { callbackUrl, post, recallBody } from "../support/im";

const SEND = "C2C.CallbackAfterSendMsg";
const TEXT = "撤回的消息 <b>not bold</b> 🙈";
let app: TestApp;
let recallId: number;

test.beforeAll(async () => {
  app = await startApp({ env: { IM_CAPTURE_MESSAGES: "1", MESSAGE_CONTENT_KEY: randomBytes(32).toString("base64") } });
  const seconds = Math.floor(Date.now() / 1000) - 30;
  const msgKey = `77_123456_${seconds}`;
  await post(callbackUrl(app.url, { command: SEND }), {
    CallbackCommand: SEND,
    From_Account: "browser-a",
    To_Account: "browser-b",
    MsgSeq: 77,
    MsgRandom: 123456,
    MsgTime: seconds,
    MsgKey: msgKey,
    SendMsgResult: 0,
    MsgBody: [
      { MsgType: "TIMTextElem", MsgContent: { Text: TEXT } },
      {
        MsgType: "TIMImageElem",
        MsgContent: { ImageInfoArray: [{ Type: 1, Size: 2048, Width: 10, Height: 20, URL: "https://example.invalid/x.png" }] },
      },
    ],
  });
  await post(callbackUrl(app.url), recallBody({ From_Account: "browser-a", To_Account: "browser-b", MsgKey: msgKey }));
  recallId = (await (await app.db()).recall.findFirstOrThrow({ where: { msgKey } })).id;
});
test.afterAll(async () => {
  await app?.stop();
});

test("an auditor reveals a recalled message's text, and the reveal is logged", async ({ page }) => {
  const requested: string[] = [];
  page.on("request", (r) => requested.push(r.url()));
  await signInAs(page, app, "auditor");
  await page.goto(`${app.url}/recalls/${recallId}`);
  await expect(page.getByText(TEXT)).toHaveCount(0);
  await page.getByRole("button", { name: "Show content" }).click();
  await expect(page.getByText(TEXT, { exact: true })).toBeVisible();
  await expect(page.locator("b")).toHaveCount(0);
  // The image is described, not loaded; its link opens only on a click, without a referrer.
  const link = page.getByRole("link", { name: /Image \(2048 bytes/ });
  await expect(link).toHaveAttribute("rel", /noreferrer/);
  expect(requested.some((u) => u.includes("example.invalid"))).toBe(false);
  expect(await (await app.db()).accessLog.count({ where: { action: "message_content_revealed", target: String(recallId) } })).toBe(1);
});

test("a viewer sees that content exists but cannot reveal it", async ({ page }) => {
  await signInAs(page, app, "viewer");
  await page.goto(`${app.url}/recalls/${recallId}`);
  await expect(page.getByTestId("content-hidden")).toContainText("Only auditors and admins can see it");
  await expect(page.getByRole("button", { name: "Show content" })).toHaveCount(0);
  await expect(page.getByText(TEXT)).toHaveCount(0);
});

test("an auditor reveals the message from the user page, the recall log shows its time to recall, and the reveal is logged", async ({
  page,
}) => {
  const before = await (await app.db()).accessLog.count({ where: { action: "message_content_revealed", target: String(recallId) } });
  await signInAs(page, app, "auditor");
  await page.goto(`${app.url}/users/browser-a`);
  const item = page.getByTestId("recalled-messages").locator(`[data-recall-id="${recallId}"]`);
  await expect(item).toBeVisible();
  await expect(page.getByText(TEXT)).toHaveCount(0);
  await item.getByRole("button", { name: "Show content" }).click();
  await expect(item.getByText(TEXT, { exact: true })).toBeVisible();
  expect(await (await app.db()).accessLog.count({ where: { action: "message_content_revealed", target: String(recallId) } })).toBe(
    before + 1,
  );
  // The user's time to recall: one recall, about 30 s after its MsgTime.
  await expect(page.getByTestId("user-time-to-recall-median")).toContainText("over 1 recall");
  await expect(page.getByTestId("user-time-to-recall").locator('[data-bucket="30sTo2min"] td').first()).toHaveText("1");

  await page.goto(`${app.url}/recalls`);
  await expect(page.getByRole("columnheader", { name: "Time to recall" })).toBeVisible();
  const cell = page.locator(`tr[data-recall-id="${recallId}"] [data-column="time-to-recall"]`);
  await expect(cell).toHaveText(/^\d+(\.\d)? s$/);
  await expect(cell.locator("[data-estimated]")).toHaveAttribute("data-estimated", "false");
});

test("a viewer sees on the user page that the content exists, and no Show content", async ({ page }) => {
  await signInAs(page, app, "viewer");
  await page.goto(`${app.url}/users/browser-a`);
  const item = page.getByTestId("recalled-messages").locator(`[data-recall-id="${recallId}"]`);
  await expect(item.getByTestId("content-hidden")).toContainText("Only auditors and admins can see it");
  await expect(page.getByRole("button", { name: "Show content" })).toHaveCount(0);
  await expect(page.getByText(TEXT)).toHaveCount(0);
});

test("an auditor exports the recall log with the message's text, and the export log says content was included", async ({ page }) => {
  await signInAs(page, app, "auditor");
  await page.goto(`${app.url}/recalls?from=browser-a`);
  await page.getByLabel("with message content (logged)").check();
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const download = await downloading;
  const csv = await readFile((await download.path()) ?? "", "utf8");
  const [header, row] = csv.trim().split("\r\n");
  expect(header?.split(",").at(-1)).toBe("content_text");
  expect(row).toContain(TEXT);
  const logged = await (await app.db()).exportLog.findFirstOrThrow({
    where: { filename: download.suggestedFilename(), status: "completed" },
  });
  expect(JSON.parse(logged.filters)).toMatchObject({ from: "browser-a", include: "content" });
});

test("a viewer is offered no export at all, and without the box an auditor's file has no content column", async ({ page }) => {
  await signInAs(page, app, "viewer");
  await page.goto(`${app.url}/recalls`);
  await expect(page.getByRole("button", { name: "Export CSV" })).toHaveCount(0);
  await expect(page.getByLabel("with message content (logged)")).toHaveCount(0);

  await signInAs(page, app, "auditor");
  await page.goto(`${app.url}/recalls?from=browser-a`);
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const csv = await readFile((await (await downloading).path()) ?? "", "utf8");
  expect(csv).not.toContain("content_text");
  expect(csv).not.toContain(TEXT);
});
