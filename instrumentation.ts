import type { Instrumentation } from "next";

// Next.js calls register() once when the server starts.
export async function register() {
  // Next's documented guard: the ingest writer uses Node APIs (worker threads, better-sqlite3).
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // A server started without `npm start` (e.g. `next start` directly) must still refuse to run on
  // a bad configuration, such as production without AUTH_SECRET, instead of answering 500s.
  try {
    await import("@/lib/config");
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(2);
  }
  const { warmUpIngest } = await import("@/lib/recalls/ingest");
  warmUpIngest();
  // Created now rather than at the first dashboard read, so /api/metrics shows it from the start.
  const { dashboardGate } = await import("@/lib/api/dashboard-gate");
  dashboardGate();
  const [{ config }, { getDb }] = await Promise.all([import("@/lib/config"), import("@/lib/db/client")]);
  // Forwarding mode: recalls left in the outbox by an earlier run (or another instance) are redelivered.
  if (config.im.forward) {
    const { startOutboxWorker } = await import("@/lib/im/forward-outbox");
    startOutboxWorker(config.im.forward, getDb);
  }
  const { startRetention } = await import("@/lib/recalls/retention");
  startRetention(config, getDb);
  const [{ startAlerts }, { getReadDb }] = await Promise.all([import("@/lib/alerts/evaluator"), import("@/lib/db/client")]);
  startAlerts(config, getDb, getReadDb);
  const { startMessageRetention } = await import("@/lib/messages/retention");
  startMessageRetention(config, getDb);
}

/**
 * A page that fails shows only its error's digest (app/error.tsx); this puts the digest beside the
 * real error in the server log, so the id a user reports finds it.
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { log } = await import("@/lib/log");
  const digest = typeof error === "object" && error !== null && "digest" in error ? String(error.digest) : undefined;
  log("error", "page_error", {
    errorId: digest,
    path: request.path.split("?")[0],
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
};
