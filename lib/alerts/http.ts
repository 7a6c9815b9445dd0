// One POST of a channel: to the checked address (lib/alerts/targets.ts), with a timeout, never
// following a redirect (a 3xx could point anywhere, our own network included), reading at most a
// small answer.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { resolveTarget } from "@/lib/alerts/targets";

export const CHANNEL_TIMEOUT_MS = 10_000;
const MAX_ANSWER_BYTES = 64 * 1024;

export type PostResult = { status: number; text: string };

export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

export async function postJson(
  url: string,
  body: unknown,
  options: { allowPrivate: boolean; headers?: Record<string, string>; rawBody?: string },
): Promise<PostResult> {
  const target = new URL(url);
  const resolved = await resolveTarget(target.hostname, options.allowPrivate);
  // The connection goes to the address just checked, whatever DNS says a moment later.
  const pinned: LookupFunction = (_host, opts, callback) => {
    if (opts.all) callback(null, [{ address: resolved.address, family: resolved.family }]);
    else callback(null, resolved.address, resolved.family);
  };
  const payload = options.rawBody ?? JSON.stringify(body);
  const client = target.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const req = client.request(
      target,
      {
        method: "POST",
        lookup: pinned,
        timeout: CHANNEL_TIMEOUT_MS,
        headers: { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload), ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_ANSWER_BYTES) chunks.push(chunk);
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString("utf8");
          if (status >= 300 && status < 400) reject(new DeliveryError(`answered ${status} (a redirect, not followed)`, status));
          else resolve({ status, text });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new DeliveryError(`no answer within ${CHANNEL_TIMEOUT_MS / 1000} s`)));
    req.on("error", (error) => reject(error instanceof DeliveryError ? error : new DeliveryError(error.message)));
    req.end(payload);
  });
}
