// Builders for IM callback requests, shaped like Tencent's.
import { randomUUID } from "node:crypto";
import { callbackSign } from "@/lib/im/sign";
import { TEST_APP_ID } from "./app";

export const RECALL = "C2C.CallbackAfterMsgWithDraw";

export type ImAnswer = { ActionStatus: string; ErrorInfo: string; ErrorCode: number };

export function callbackUrl(
  base: string,
  params: {
    command?: string | null;
    sdkAppId?: string | null;
    clientIp?: string;
    optPlatform?: string;
    token?: string;
    requestTime?: number;
  } = {},
): string {
  const q = new URLSearchParams();
  if (params.sdkAppId !== null) q.set("SdkAppid", params.sdkAppId ?? TEST_APP_ID);
  if (params.command !== null) q.set("CallbackCommand", params.command ?? RECALL);
  q.set("contenttype", "json");
  q.set("ClientIP", params.clientIp ?? "203.0.113.7");
  q.set("OptPlatform", params.optPlatform ?? "iOS");
  if (params.token !== undefined) {
    const t = String(params.requestTime ?? Math.floor(Date.now() / 1000));
    q.set("RequestTime", t);
    q.set("Sign", callbackSign(params.token, t));
  }
  return `${base}/api/im/callback?${q}`;
}

export function recallBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    CallbackCommand: RECALL,
    From_Account: "alice",
    To_Account: "bob",
    MsgKey: `${Math.floor(Math.random() * 1e6)}_${randomUUID().slice(0, 8)}_${Math.floor(Date.now() / 1000)}`,
    UnreadMsgNum: 3,
    ...overrides,
  };
}

/** POSTs like IM does: no Content-Type header, JSON text body. */
export async function post(url: string, body: string | Uint8Array | Record<string, unknown>, headers: Record<string, string> = {}) {
  const payload: Uint8Array<ArrayBuffer> =
    typeof body === "string" ? Buffer.from(body) : body instanceof Uint8Array ? new Uint8Array(body) : Buffer.from(JSON.stringify(body));
  const res = await fetch(url, { method: "POST", body: payload, headers });
  const text = await res.text();
  let json: ImAnswer | undefined;
  try {
    json = JSON.parse(text) as ImAnswer;
  } catch {}
  return { status: res.status, text, json, contentType: res.headers.get("content-type") };
}

export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 5_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
