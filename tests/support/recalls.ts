// Builders for stored recalls and a reader for the dashboard's JSON APIs.
import { randomUUID } from "node:crypto";
import type { Db } from "@/lib/db/client";
import type { NewRecall } from "@/lib/recalls/new-recall";
import { storeRecalls } from "@/lib/recalls/store";
import { TEST_APP_ID, type TestApp } from "./app";

/**
 * The app's database from the test process. Opening it sets WAL mode, which can meet SQLITE_BUSY
 * while the freshly started server opens its own connection; a short retry absorbs that.
 */
export async function appDb(app: TestApp): Promise<Db> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await app.db();
    } catch (error) {
      if (attempt >= 10 || !String(error).includes("SQLITE_BUSY")) throw error;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

export function newRecall(overrides: Partial<NewRecall> = {}): NewRecall {
  return {
    sdkAppId: TEST_APP_ID,
    fromAccount: "alice",
    toAccount: "bob",
    msgKey: `${Math.floor(Math.random() * 1e6)}_${randomUUID().slice(0, 8)}_${Math.floor(Date.now() / 1000)}`,
    unreadMsgNum: 1,
    eventTime: null,
    receivedAt: new Date(),
    optPlatformRaw: "iOS",
    optPlatform: "iOS",
    clientIp: "203.0.113.7",
    ...overrides,
  };
}

/** Stores recalls through the ingest data layer (so aggregates are right); returns their ids in order. */
export async function storeTestRecalls(db: Db, recalls: NewRecall[]): Promise<number[]> {
  const outcomes = await storeRecalls(db, recalls);
  return outcomes.map((o) => {
    if (o.outcome !== "stored") throw new Error("test recall was a duplicate");
    return o.id;
  });
}

export type ApiErrorJson = { error: { code: string; message: string; parameter?: string } };

export async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: T;
  try {
    body = JSON.parse(text) as T;
  } catch {
    throw new Error(`${url} answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
  }
  return { status: res.status, body };
}
