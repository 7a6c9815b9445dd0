// The "receiver failing" rule's source: IM callbacks answered per configured app and minute, with
// how many were recalls and how many of those were answered 503. Prometheus counters
// (lib/metrics.ts) are per process and lost on restart; the rule needs every instance's answers,
// so each instance adds its counts into alert_callback_minutes every FLUSH_MS. Durable enough:
// a crash loses at most the last few seconds, and a flush that fails (the database is what is
// failing, often) keeps its counts for the next one. Rows older than KEEP_DAYS are removed.
import type { Db } from "@/lib/db/client";
import { Prisma } from "@/lib/db/client";
import { log } from "@/lib/log";

const MINUTE = 60_000;
export const FLUSH_MS = 5_000;
const KEEP_DAYS = 8;
/** Bounds what a flush that keeps failing holds in memory (apps × minutes). */
const MAX_PENDING_KEYS = 10_000;

type Counts = { callbacks: number; recalls: number; recalls503: number };
type State = { pending: Map<string, Counts>; started: boolean; timer?: ReturnType<typeof setInterval>; lastPrune: number };
const holder = globalThis as unknown as { recallMonitorCallbackMinutes?: State };
function state(): State {
  holder.recallMonitorCallbackMinutes ??= { pending: new Map(), started: false, lastPrune: 0 };
  return holder.recallMonitorCallbackMinutes;
}

/** Counts one answered callback of a configured app (the caller checks that: the key space stays bounded). */
export function noteCallbackAnswer(sdkAppId: string, isRecall: boolean, status: number, at = Date.now()): void {
  const pending = state().pending;
  const key = `${sdkAppId}|${Math.floor(at / MINUTE) * MINUTE}`;
  let counts = pending.get(key);
  if (!counts) {
    if (pending.size >= MAX_PENDING_KEYS) return;
    counts = { callbacks: 0, recalls: 0, recalls503: 0 };
    pending.set(key, counts);
  }
  counts.callbacks += 1;
  if (isRecall) {
    counts.recalls += 1;
    if (status === 503) counts.recalls503 += 1;
  }
}

/** Adds the pending counts to the table; on failure they stay pending. */
export async function flushCallbackMinutes(db: Db): Promise<void> {
  const s = state();
  if (s.pending.size === 0) return;
  const batch = s.pending;
  s.pending = new Map();
  try {
    const rows = [...batch].map(([key, c]) => {
      const [app, minute] = key.split("|");
      return Prisma.sql`(${app}, ${new Date(Number(minute))}, ${c.callbacks}, ${c.recalls}, ${c.recalls503})`;
    });
    await db.$executeRaw`
      INSERT INTO alert_callback_minutes (sdk_app_id, minute_start, callbacks, recalls, recalls_503)
      VALUES ${Prisma.join(rows, ",")}
      ON CONFLICT (sdk_app_id, minute_start) DO UPDATE SET
        callbacks = alert_callback_minutes.callbacks + excluded.callbacks,
        recalls = alert_callback_minutes.recalls + excluded.recalls,
        recalls_503 = alert_callback_minutes.recalls_503 + excluded.recalls_503`;
  } catch (error) {
    for (const [key, c] of batch) {
      const now = s.pending.get(key);
      if (now) {
        now.callbacks += c.callbacks;
        now.recalls += c.recalls;
        now.recalls503 += c.recalls503;
      } else if (s.pending.size < MAX_PENDING_KEYS) s.pending.set(key, c);
    }
    throw error;
  }
  if (Date.now() - s.lastPrune > 3_600_000) {
    s.lastPrune = Date.now();
    await db.alertCallbackMinute.deleteMany({ where: { minuteStart: { lt: new Date(Date.now() - KEEP_DAYS * 86_400_000) } } });
  }
}

/** Every instance flushes its own counts, whether or not it is the one evaluating alerts. */
export function startCallbackMinutes(getDb: () => Promise<Db>): void {
  const s = state();
  if (s.started) return;
  s.started = true;
  s.timer = setInterval(() => {
    getDb()
      .then(flushCallbackMinutes)
      .catch((error) =>
        log("error", "alert_callback_minutes_flush_failed", { error: error instanceof Error ? error.message : String(error) }),
      );
  }, FLUSH_MS);
  s.timer.unref();
}
