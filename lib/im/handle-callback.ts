// The IM callback endpoint's logic, independent of Next.js so tests and the benchmark's
// baseline route can run it with another sink.

import { noteCallbackAnswer } from "@/lib/alerts/callback-minutes";
import type { Config } from "@/lib/config";
import { noteCommit } from "@/lib/health";
import { clientAddress } from "@/lib/http/client-address";
import { type CallbackParams, readCallbackParams } from "@/lib/im/callback-params";
import { isAllowedCallbackSource } from "@/lib/im/callback-source";
import { isForwardedByUs } from "@/lib/im/forward";
import { forwardRequestFor, forwardStoredRecall, recallCopyFor, relayToBackend } from "@/lib/im/forward-callback";
import { BodyEncodingError, BodyTooLargeError, decodeBody, readBodyBytes } from "@/lib/im/read-body";
import { InvalidBodyError, identifierProblem, parseRecallBody, RECALL_COMMAND } from "@/lib/im/recall-body";
import { imResponse } from "@/lib/im/response";
import { isConfiguredApp, verifyCallbackSign } from "@/lib/im/sign";
import { errorId, log } from "@/lib/log";
import { toNewMessage } from "@/lib/messages/capture";
import type { NewMessage } from "@/lib/messages/new-message";
import { AFTER_SEND_COMMAND, parseSendBody } from "@/lib/messages/send-body";
import { countCallback } from "@/lib/metrics";
import { type NewRecall, toNewRecall } from "@/lib/recalls/new-recall";
import type { StoreOutcome } from "@/lib/recalls/store";
import { isUnavailable, QueueFullError } from "@/lib/recalls/write-errors";

export const MAX_BODY_BYTES = 64 * 1024;
const MAX_PARAM_LENGTH = 64;
// IM waits 2 s for an answer. Past this, answer 503 so a retrying sender redelivers; if the write
// does commit later, the redelivery is recognised as a duplicate.
const COMMIT_DEADLINE_MS = 1_500;

export type RecallSink = {
  submit(recall: NewRecall): Promise<StoreOutcome>;
  /** A sent message (C2C.CallbackAfterSendMsg): counted, and its content kept when capture is on. */
  submitMessage(message: NewMessage): Promise<StoreOutcome>;
  tally(sdkAppId: string, command: string, at: Date): void;
};

/** `response`: the answer to relay instead of our own (forwarding mode, lib/im/forward-callback.ts). */
type Verdict = { status: number; errorInfo?: string; outcome: string; response?: Response };

class Refusal extends Error {
  constructor(
    readonly status: number,
    readonly errorInfo: string,
    readonly outcome: string,
  ) {
    super(errorInfo);
  }
}

/** Answers one IM callback in Tencent's JSON shape and logs one line about it. */
export async function answerImCallback(request: Request, im: Config["im"], sink: RecallSink): Promise<Response> {
  const started = performance.now();
  const params = readCallbackParams(new URL(request.url).searchParams);
  let verdict: Verdict;
  try {
    verdict = await decide(request, params, im, sink);
  } catch (error) {
    if (error instanceof Refusal) verdict = { status: error.status, errorInfo: error.errorInfo, outcome: error.outcome };
    else {
      // Unreachable by design; if it happens, IM gets its JSON shape and the log gets the detail.
      const id = errorId();
      log("error", "im_callback_error", { errorId: id, error: String(error) });
      verdict = { status: 500, errorInfo: `internal error (log id ${id})`, outcome: "error" };
    }
  }
  log("info", "im_callback", {
    command: params.callbackCommand?.slice(0, MAX_PARAM_LENGTH),
    app: params.sdkAppId?.slice(0, MAX_PARAM_LENGTH),
    outcome: verdict.outcome,
    status: verdict.status,
    ms: Math.round((performance.now() - started) * 10) / 10,
  });
  countCallback(params.callbackCommand, verdict.outcome);
  // Alerts' "receiver failing" rule counts answers per configured app (a bounded set of keys).
  if (params.sdkAppId && isConfiguredApp(params.sdkAppId, im.sdkAppIds))
    noteCallbackAnswer(params.sdkAppId, params.callbackCommand === RECALL_COMMAND, verdict.status);
  return verdict.response ?? imResponse(verdict.status, verdict.errorInfo);
}

async function decide(request: Request, params: CallbackParams, im: Config["im"], sink: RecallSink): Promise<Verdict> {
  const receivedAt = new Date();

  if (im.sdkAppIds.length === 0) {
    throw new Refusal(503, "Recall Monitor has no SDKAppID configured: set IM_SDKAPPID", "refused:not_configured");
  }
  if (!isAllowedCallbackSource(clientAddress(request), im.allowedCidrs)) {
    throw new Refusal(
      403,
      `callbacks from ${clientAddress(request)} are not accepted: the address is not in IM_CALLBACK_ALLOWED_CIDRS (check TRUST_PROXY if a proxy is in front)`,
      "refused:source",
    );
  }
  if (!params.sdkAppId || !isConfiguredApp(params.sdkAppId, im.sdkAppIds)) {
    throw new Refusal(403, params.sdkAppId ? "SdkAppid is not this app's SDKAppID" : "SdkAppid is missing from the URL", "refused:app");
  }
  const command = params.callbackCommand;
  if (!command) throw new Refusal(400, "CallbackCommand is missing from the URL", "refused:no_command");
  // Every command is counted and listed on the overview: IM's names are short and printable, so
  // anything else is not IM and must not grow the table.
  if (command.length > MAX_PARAM_LENGTH)
    throw new Refusal(400, `CallbackCommand is longer than ${MAX_PARAM_LENGTH} characters`, "refused:params");
  const commandProblem = identifierProblem("CallbackCommand", command);
  if (commandProblem) throw new Refusal(400, commandProblem, "refused:params");
  if (im.callbackToken) {
    const check = verifyCallbackSign({
      token: im.callbackToken,
      sign: params.sign,
      requestTime: params.requestTime,
      maxSkewSeconds: im.maxSkewSeconds,
      nowMs: receivedAt.getTime(),
    });
    if (!check.ok) throw new Refusal(401, check.reason, "refused:sign");
  }
  const sdkAppId = params.sdkAppId;
  if (im.forward && isForwardedByUs(request)) {
    throw new Refusal(
      508,
      "this callback was already forwarded by Recall Monitor (X-Recall-Monitor header): IM_FORWARD_URL must not lead back here",
      "refused:loop",
    );
  }

  // Forwarding mode: the backend answers every command but the recall.
  if (im.forward && command !== RECALL_COMMAND) {
    const bytes = await readBody(request);
    if (command === AFTER_SEND_COMMAND) {
      // Counted (and captured) too, while the backend is asked: the backend's answer is what IM
      // gets, as for any other command (an after-callback decides nothing), so a message this
      // receiver could not store is logged and shows in the outcome, not in IM's answer.
      const [relayed, stored] = await Promise.all([
        relayToBackend(im.forward, forwardRequestFor(request, bytes), command),
        storeSentMessage(bytes, sdkAppId, receivedAt, im, sink).catch((error: unknown): Verdict => {
          if (!(error instanceof Refusal)) throw error;
          sink.tally(sdkAppId, command, receivedAt); // relayed all the same
          return { status: error.status, outcome: error.outcome };
        }),
      ]);
      return { status: relayed.status, outcome: `${relayed.outcome}+${stored.outcome}`, response: relayed.response };
    }
    const relayed = await relayToBackend(im.forward, forwardRequestFor(request, bytes), command);
    sink.tally(sdkAppId, command, receivedAt);
    return { status: relayed.status, outcome: relayed.outcome, response: relayed.response };
  }

  if (command === AFTER_SEND_COMMAND) return storeSentMessage(await readBody(request), sdkAppId, receivedAt, im, sink);

  // One URL receives every command the console enables, including "before" callbacks whose
  // answer decides whether a user's message is delivered: all of them get OK, unread.
  if (command !== RECALL_COMMAND) {
    sink.tally(sdkAppId, command, receivedAt);
    return { status: 200, outcome: "ignored" };
  }

  for (const [name, value] of [
    ["ClientIP", params.clientIp],
    ["OptPlatform", params.optPlatform],
  ] as const) {
    if (value && value.length > MAX_PARAM_LENGTH)
      throw new Refusal(400, `${name} is longer than ${MAX_PARAM_LENGTH} characters`, "refused:params");
    // Shown on the dashboard and exported: no control characters (IM sends none).
    if (value && /\p{Cc}/u.test(value)) throw new Refusal(400, `${name} contains a control character`, "refused:params");
  }

  const bytes = await readBody(request);
  let recall: NewRecall;
  try {
    recall = toNewRecall(parseRecallBody(decodeBody(bytes)), {
      sdkAppId,
      receivedAt,
      optPlatform: params.optPlatform,
      clientIp: params.clientIp,
    });
  } catch (error) {
    if (error instanceof InvalidBodyError || error instanceof BodyEncodingError) throw new Refusal(400, error.message, "refused:body");
    throw error;
  }

  // Forwarding mode: the backend's copy commits with the recall (lib/im/forward-outbox.ts).
  const copy = recallCopyFor(im, forwardRequestFor(request, bytes), receivedAt, COMMIT_DEADLINE_MS);
  const result = await committed(sink.submit(copy ? { ...recall, forward: copy } : recall), "recall");
  sink.tally(sdkAppId, command, receivedAt);
  // IM's answer depends only on the commit above; the backend's copy is sent now (or by the
  // outbox). A duplicate's copy was stored with the first delivery, which sends it.
  if (copy && result.outcome === "stored") forwardStoredRecall(im, copy);
  return { status: 200, outcome: result.outcome };
}

/** Waits for the commit; maps a failure to IM's answer (503: retry later, 400: this one cannot be stored). */
async function committed(submitted: Promise<StoreOutcome>, what: "recall" | "message"): Promise<StoreOutcome> {
  try {
    const result = await withDeadline(submitted, COMMIT_DEADLINE_MS);
    noteCommit({ ok: true });
    return result;
  } catch (error) {
    if (error instanceof QueueFullError)
      throw new Refusal(503, `${what} not stored, the receiver is overloaded; retry later`, "failed:queue_full");
    const id = errorId();
    log("error", "im_callback_store_failed", { errorId: id, error: error instanceof Error ? error.message : String(error) });
    // A write that failed for this one alone (not the database) is not worth a retry.
    if (!isUnavailable(error)) throw new Refusal(400, `${what} could not be stored (log id ${id})`, "refused:store");
    // Readiness (/api/health) reports a failing database (which may still answer reads), not a
    // commit that was merely slower than this callback's deadline.
    if (!(error instanceof CommitDeadlineError))
      noteCommit({ ok: false, reason: error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200) });
    throw new Refusal(503, `${what} not stored, database unavailable; retry later (log id ${id})`, "failed:database");
  }
}

/**
 * C2C.CallbackAfterSendMsg: counted once per message for sender and recipient (its identity is
 * stored, so a redelivery counts nothing), answered OK only after the commit, as a recall is.
 * A message IM failed to send (SendMsgResult not 0) reached no one: OK, not counted.
 */
async function storeSentMessage(
  bytes: Uint8Array,
  sdkAppId: string,
  receivedAt: Date,
  im: Config["im"],
  sink: RecallSink,
): Promise<Verdict> {
  let message: NewMessage;
  try {
    const body = parseSendBody(decodeBody(bytes));
    if (body.SendMsgResult) {
      sink.tally(sdkAppId, AFTER_SEND_COMMAND, receivedAt);
      return { status: 200, outcome: "ignored:not_sent" };
    }
    message = toNewMessage(body, { sdkAppId, receivedAt }, im.capture);
  } catch (error) {
    if (error instanceof InvalidBodyError || error instanceof BodyEncodingError) throw new Refusal(400, error.message, "refused:body");
    throw error;
  }
  const result = await committed(sink.submitMessage(message), "message");
  sink.tally(sdkAppId, AFTER_SEND_COMMAND, receivedAt);
  return { status: 200, outcome: `message:${result.outcome}` };
}

async function readBody(request: Request): Promise<Uint8Array> {
  try {
    return await readBodyBytes(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw new Refusal(413, `body is larger than ${MAX_BODY_BYTES} bytes`, "refused:too_large");
    throw new Refusal(400, "body could not be read", "refused:body");
  }
}

class CommitDeadlineError extends Error {}

function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new CommitDeadlineError(`not committed within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}
