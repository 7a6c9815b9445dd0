// Live updates across instances on PostgreSQL: each instance holds one dedicated connection that
// LISTENs on the channel the recalls table's trigger notifies at every commit (migration
// 20261201214000_recall_commit_order), and wakes its open streams, which then read the rows
// themselves from their commit-ordered cursor. The notification carries only a cursor (the
// committing transaction's id), so a lost or coalesced notification loses no row: streams still
// poll (POLL_MS) and always read everything after their cursor.
//
// Dedicated and outside the pools: a LISTEN belongs to a session, so it cannot share a pooled
// connection (nor a transaction pooler's; see DATABASE_LISTEN_URL). When the connection drops it
// reconnects with backoff, LISTENs again and wakes every stream, which catches up on whatever was
// committed during the gap.
import pg from "pg";
import { config } from "@/lib/config";
import { log } from "@/lib/log";
import { wakeStreams } from "@/lib/recalls/live";

export const RECALLS_CHANNEL = "recall_monitor_recalls";
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 5_000;

type Listener = { url: string; client?: pg.Client; delayMs: number; connected: boolean };

// On globalThis: Next.js may bundle this module more than once, and one connection is enough.
const holder = globalThis as unknown as { recallMonitorListener?: Listener };

function connect(listener: Listener): void {
  const client = new pg.Client({
    connectionString: listener.url,
    application_name: "recall-monitor-listener",
    // Finds a dead peer (a failover, a dropped NAT entry) instead of waiting forever.
    keepAlive: true,
    connectionTimeoutMillis: 5_000,
  });
  listener.client = client;
  let failed = false;
  const retry = (error: unknown) => {
    if (failed) return;
    failed = true;
    if (listener.connected) log("error", "recall_listener_lost", { error: error instanceof Error ? error.message : String(error) });
    listener.connected = false;
    client.removeAllListeners("notification");
    client.end().catch(() => {});
    const delay = listener.delayMs;
    listener.delayMs = Math.min(delay * 2, RECONNECT_MAX_MS);
    setTimeout(() => connect(listener), delay).unref();
  };
  client.on("error", retry);
  client.on("end", () => retry(new Error("connection ended")));
  client.on("notification", (message) => {
    if (message.channel !== RECALLS_CHANNEL) return;
    wakeStreams(/^\d{1,20}$/.test(message.payload ?? "") ? BigInt(message.payload ?? "0") : undefined);
  });
  client
    .connect()
    .then(() => client.query(`LISTEN ${RECALLS_CHANNEL}`))
    .then(() => {
      listener.connected = true;
      listener.delayMs = RECONNECT_MIN_MS;
      log("info", "recall_listener_ready", {});
      // Anything committed while no one listened (the start, or a gap) is found now.
      wakeStreams();
    })
    .catch(retry);
}

/** Starts this instance's listener on PostgreSQL (once; later calls do nothing). */
export function startRecallListener(): void {
  if (holder.recallMonitorListener || config.database.dialect !== "postgresql") return;
  const listener: Listener = { url: config.stream.listenUrl ?? config.database.url, delayMs: RECONNECT_MIN_MS, connected: false };
  holder.recallMonitorListener = listener;
  connect(listener);
}

/** Whether the listener is connected and LISTENing (for tests and health). */
export function recallListenerConnected(): boolean {
  return holder.recallMonitorListener?.connected ?? false;
}
