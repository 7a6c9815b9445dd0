// Sends simulated IM callbacks over HTTP at a steady rate and tallies how they were answered.
import { callbackSign } from "@/lib/im/sign";
import { type PlannedCallback, type RecallFacts, TrafficGenerator } from "@/lib/simulator/traffic";

export type SimulationOptions = {
  /** The callback URL as entered in the IM console, e.g. http://localhost:3000/api/im/callback. */
  url: string;
  sdkAppId: string;
  token?: string;
  /** Callbacks per second. */
  rate: number;
  durationSeconds: number;
  users: number;
  seed?: number;
  /** Requests allowed in flight at once; beyond it the simulator falls behind rather than piling up. */
  maxInFlight?: number;
  onProgress?: (line: string) => void;
};

export type SimulationReport = {
  sent: number;
  byCommand: Map<string, number>;
  /** "200 OK", "503 FAIL", ... or "no answer" for network errors and timeouts. */
  byAnswer: Map<string, number>;
  duplicatesSent: number;
  /** Redeliveries of recalls that were not answered OK, as IM retries after-callbacks. */
  retriesSent: number;
  /** Distinct recalls generated (first deliveries). */
  distinctRecalls: number;
  errors: number;
  firstError?: string;
  /** Distinct recalls that got at least one OK answer: what the receiver promised to have stored. */
  acknowledged: Map<string, RecallFacts>;
  elapsedMs: number;
};

const REQUEST_TIMEOUT_MS = 10_000;
// IM retries an after-callback that failed (when the console enables it); the simulator does the
// same for recalls, so a receiver that answered 503 gets the recall again and can store it.
const RETRY_AFTER_MS = 1_000;
const MAX_RETRIES = 2;
const PROGRESS_EVERY_MS = 5_000;

/** The URL IM would call: Tencent's parameter names, plus Sign/RequestTime when a token is set. */
export function signedCallbackUrl(base: string, query: Record<string, string>, token: string | undefined, nowMs: number): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  if (token !== undefined) {
    const requestTime = String(Math.floor(nowMs / 1000));
    url.searchParams.set("RequestTime", requestTime);
    url.searchParams.set("Sign", callbackSign(token, requestTime));
  }
  return url.toString();
}

const bump = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const traffic = new TrafficGenerator({ sdkAppId: options.sdkAppId, users: options.users, seed: options.seed });
  const report: SimulationReport = {
    sent: 0,
    byCommand: new Map(),
    byAnswer: new Map(),
    duplicatesSent: 0,
    retriesSent: 0,
    distinctRecalls: 0,
    errors: 0,
    acknowledged: new Map(),
    elapsedMs: 0,
  };
  const maxInFlight = options.maxInFlight ?? 64;
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  const endAt = started + options.durationSeconds * 1000;
  const intervalMs = 1000 / options.rate;
  let nextProgress = started + PROGRESS_EVERY_MS;

  const deliver = async (planned: PlannedCallback, nowMs: number, attempt: number): Promise<void> => {
    let ok = false;
    try {
      const res = await fetch(signedCallbackUrl(options.url, planned.query, options.token, nowMs), {
        method: "POST",
        // As IM sends it: JSON text, no Content-Type header.
        body: Buffer.from(JSON.stringify(planned.body)),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      let status = "non-JSON";
      try {
        const json = JSON.parse(text) as { ActionStatus?: unknown };
        status = String(json.ActionStatus);
      } catch {}
      bump(report.byAnswer, `${res.status} ${status}`);
      ok = res.status === 200 && status === "OK";
    } catch (error) {
      report.errors += 1;
      report.firstError ??= error instanceof Error ? `${error.message}${error.cause ? ` (${String(error.cause)})` : ""}` : String(error);
      bump(report.byAnswer, "no answer");
    }
    if (planned.kind === "other") return;
    if (ok) report.acknowledged.set(planned.recall.identity, planned.recall);
    else if (attempt < MAX_RETRIES) {
      await new Promise((r) => setTimeout(r, RETRY_AFTER_MS));
      report.retriesSent += 1;
      bump(report.byCommand, planned.command);
      report.sent += 1;
      await deliver(planned, Date.now(), attempt + 1);
    }
  };

  const sendOne = async (nowMs: number) => {
    const planned = traffic.next(nowMs);
    report.sent += 1;
    bump(report.byCommand, planned.command);
    if (planned.kind === "duplicate") report.duplicatesSent += 1;
    if (planned.kind === "recall") report.distinctRecalls += 1;
    await deliver(planned, nowMs, 0);
  };

  for (let i = 0; ; i++) {
    const due = started + i * intervalMs;
    if (due >= endAt) break;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    while (inFlight.size >= maxInFlight) await Promise.race(inFlight);
    const now = Date.now();
    if (now >= endAt) break;
    const p: Promise<void> = sendOne(now).finally(() => inFlight.delete(p));
    inFlight.add(p);
    if (options.onProgress && now >= nextProgress) {
      nextProgress += PROGRESS_EVERY_MS;
      options.onProgress(progressLine(report, now - started));
    }
  }
  await Promise.all(inFlight);
  report.elapsedMs = Date.now() - started;
  return report;
}

function progressLine(report: SimulationReport, elapsedMs: number): string {
  const ok = [...report.byAnswer].filter(([k]) => k === "200 OK").reduce((n, [, v]) => n + v, 0);
  return `${(elapsedMs / 1000).toFixed(0)} s: sent ${report.sent}, answered OK ${ok}, errors ${report.errors}`;
}

const sorted = (map: Map<string, number>) => [...map].sort(([a], [b]) => (a < b ? -1 : 1));

/** The simulator's closing report, one fact per line, the last line a one-line summary. */
export function formatReport(report: SimulationReport): string[] {
  const lines = ["Sent, by command:"];
  for (const [command, n] of sorted(report.byCommand)) lines.push(`  ${command.padEnd(34)} ${n}`);
  lines.push("Answers, by HTTP status and ActionStatus:");
  for (const [answer, n] of sorted(report.byAnswer)) lines.push(`  ${answer.padEnd(34)} ${n}`);
  if (report.firstError) lines.push(`First error: ${report.firstError}`);
  const ok = report.byAnswer.get("200 OK") ?? 0;
  const seconds = report.elapsedMs / 1000;
  lines.push(
    `Summary: sent ${report.sent} callbacks in ${seconds.toFixed(1)} s (${(report.sent / seconds).toFixed(1)}/s), ` +
      `${ok} answered OK, ${report.sent - ok - report.errors} refused, ${report.errors} errors; ` +
      `${report.acknowledged.size} of ${report.distinctRecalls} distinct recalls acknowledged, ` +
      `${report.duplicatesSent} duplicates and ${report.retriesSent} retries sent`,
  );
  return lines;
}
