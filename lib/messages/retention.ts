// MESSAGE_RETENTION_HOURS: sent messages' rows (identity, send time, encrypted content) are kept
// long enough for a recall to be joined to them, then deleted in small batches in the background.
// A message whose recall is stored is kept as long as that recall (RETENTION_DAYS deletes the
// recall; this then deletes the message). Per-user message counts are never touched.
import type { Config } from "@/lib/config";
import type { Db } from "@/lib/db/client";
import { errorId, log } from "@/lib/log";

/** Rows per transaction: small, so the receiver's writer never waits long for the write lock. */
export const MESSAGE_RETENTION_BATCH = 100;
const PAUSE_MS = 50;
const INTERVAL_MS = 60_000;
const FIRST_RUN_MS = 10_000;
const HOUR_MS = 3_600_000;

/** Deletes up to `limit` of the oldest unrecalled messages received before `cutoff`; returns how many. */
export async function deleteExpiredMessagesBatch(db: Db, cutoff: Date, limit = MESSAGE_RETENTION_BATCH): Promise<number> {
  return db.$executeRaw`DELETE FROM messages WHERE id IN (
    SELECT m.id FROM messages m
    WHERE m.received_at < ${cutoff}
      AND NOT EXISTS (SELECT 1 FROM recalls r WHERE r.sdk_app_id = m.sdk_app_id AND r.from_account = m.from_account
                        AND r.to_account = m.to_account AND r.msg_key = m.msg_key)
    ORDER BY m.received_at, m.id LIMIT ${limit})`;
}

/** Runs batches until none is left; returns the rows deleted. */
export async function deleteExpiredMessages(db: Db, retentionHours: number, now = new Date()): Promise<number> {
  const cutoff = new Date(now.getTime() - retentionHours * HOUR_MS);
  let total = 0;
  for (;;) {
    const started = performance.now();
    const n = await deleteExpiredMessagesBatch(db, cutoff);
    total += n;
    if (n < MESSAGE_RETENTION_BATCH) return total;
    // At most about a quarter of the time, however slow the database is.
    await new Promise((r) => setTimeout(r, Math.max(PAUSE_MS, 3 * (performance.now() - started))));
  }
}

const holder = globalThis as unknown as { recallMonitorMessageRetention?: ReturnType<typeof setTimeout> };

/** Every minute, in the background (instrumentation.ts). */
export function startMessageRetention(config: Pick<Config, "messages">, db: () => Promise<Db>): void {
  if (holder.recallMonitorMessageRetention) return;
  const tick = async () => {
    try {
      const deleted = await deleteExpiredMessages(await db(), config.messages.retentionHours);
      if (deleted > 0) log("info", "message_retention", { deleted });
    } catch (error) {
      log("error", "message_retention_failed", { errorId: errorId(), error: error instanceof Error ? error.message : String(error) });
    }
    holder.recallMonitorMessageRetention = setTimeout(tick, INTERVAL_MS);
    holder.recallMonitorMessageRetention.unref?.();
  };
  holder.recallMonitorMessageRetention = setTimeout(tick, FIRST_RUN_MS);
  holder.recallMonitorMessageRetention.unref?.();
}
