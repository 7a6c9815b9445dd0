// Forwarding mode's part of the callback endpoint (lib/im/handle-callback.ts calls these two).
import type { Config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { type ForwardConfig, type ForwardRequest, forwardCallback } from "@/lib/im/forward";
import { forwardCommittedRecall, recallForwardCopy, startOutboxWorker } from "@/lib/im/forward-outbox";
import { recordFallback } from "@/lib/im/forward-stats";
import { imResponse } from "@/lib/im/response";
import { log } from "@/lib/log";
import type { ForwardCopy } from "@/lib/recalls/forward-copy";

export function forwardRequestFor(request: Request, body: Uint8Array): ForwardRequest {
  return {
    search: new URL(request.url).search,
    body,
    contentType: request.headers.get("content-type"),
    clientAddress: clientAddress(request),
  };
}

/**
 * IM's answer to a command other than the recall: the backend's own, status and body verbatim,
 * so "before" callbacks keep deciding delivery. When the backend fails or misses the deadline,
 * IM_FORWARD_ON_FAILURE decides: `allow` answers OK/0 (the message goes through as if no callback
 * were configured), `fail` answers FAIL/1. Nothing of either body is stored.
 */
export async function relayToBackend(
  forward: ForwardConfig,
  request: ForwardRequest,
  command: string,
): Promise<{ response: Response; outcome: string; status: number }> {
  const result = await forwardCallback(forward, request);
  // A status the Fetch API cannot relay (1xx, or a bodiless one with a body) counts as a failure.
  const relayable =
    result.ok && result.status >= 200 && result.status <= 599 && !(result.body.length > 0 && [204, 205].includes(result.status));
  if (result.ok && relayable) {
    const headers: Record<string, string> = { "cache-control": "no-store" };
    if (result.contentType) headers["content-type"] = result.contentType;
    const body = [204, 205].includes(result.status) ? null : new Uint8Array(result.body);
    return { response: new Response(body, { status: result.status, headers }), outcome: "forwarded", status: result.status };
  }
  const reason = result.ok ? `the backend answered status ${result.status}, which cannot be relayed` : result.reason;
  recordFallback(command, reason);
  log("error", "im_forward_fallback", { command, onFailure: forward.onFailure, reason });
  const response = forward.onFailure === "allow" ? imResponse(200) : imResponse(200, `the app's backend did not answer: ${reason}`);
  return { response, outcome: `fallback:${forward.onFailure}`, status: 200 };
}

/**
 * Forwarding mode: the backend's copy of a recall, to be committed with it (NewRecall.forward), so
 * a recall answered OK can never lose it. Undefined when IM_FORWARD_URL is not set.
 */
export function recallCopyFor(
  im: Config["im"],
  request: ForwardRequest,
  receivedAt: Date,
  commitDeadlineMs: number,
): ForwardCopy | undefined {
  return im.forward ? recallForwardCopy(im.forward, request, receivedAt, commitDeadlineMs) : undefined;
}

/** After a new recall and its copy have committed: the copy's first delivery attempt. Not awaited. */
export function forwardStoredRecall(im: Config["im"], copy: ForwardCopy): void {
  const forward = im.forward;
  if (!forward) return;
  // Started at server start (instrumentation.ts) already; this covers `next dev`.
  startOutboxWorker(forward, getDb);
  void forwardCommittedRecall(forward, getDb, copy);
}
