// Helpers for the dashboard's browser tests: send recalls the way IM does and read the recall
// log as a user sees it.
import { expect, type Page } from "@playwright/test";
import { callbackUrl, post, recallBody } from "./im";

export type SentRecall = {
  from: string;
  to: string;
  msgKey: string;
  unread?: number;
  platform?: string;
  ip?: string;
  sdkAppId?: string;
};

/** POSTs one recall callback and checks IM would have been answered OK. */
export async function sendRecall(base: string, r: SentRecall): Promise<void> {
  const res = await post(
    callbackUrl(base, { optPlatform: r.platform ?? "iOS", clientIp: r.ip ?? "203.0.113.7", sdkAppId: r.sdkAppId }),
    recallBody({ From_Account: r.from, To_Account: r.to, MsgKey: r.msgKey, UnreadMsgNum: r.unread ?? 1 }),
  );
  expect(res.status).toBe(200);
  expect(res.json?.ErrorCode).toBe(0);
}

/** The MsgKey column of the recall log, top to bottom. */
export const msgKeyCells = (page: Page) => page.locator("tbody tr[data-recall-id] td:nth-child(5)");

/** The page's live feed is open (new recalls from now on will show). */
export async function waitUntilLive(page: Page): Promise<void> {
  await expect(page.getByTestId("live-indicator")).toHaveAttribute("data-state", "live");
}

/** A tag that keeps each test's users and MsgKeys apart in a shared database. */
export function uniqueTag(): string {
  return Math.random().toString(36).slice(2, 8);
}
