// Structured logs: one JSON object per line on stdout, for any log collector to parse.
//
// Lines logged in one turn of the event loop go out in one write. Node writes to files and pipes
// synchronously, and with one write per line the receiver's logging was the largest share of its
// own CPU under load (one line per callback). Buffered lines are written on exit too (an uncaught
// exception included); only a SIGKILL can lose them, at most one turn's worth.
import { config } from "@/lib/config";

type Level = "info" | "error";
const RANK = { info: 0, error: 1, silent: 2 } as const;

type Pending = { out: string[]; err: string[]; scheduled: boolean; flush: () => void };

// On globalThis: Next.js may bundle this module once per route, and every copy must share one
// buffer (so lines stay in order) and one exit listener.
const holder = globalThis as unknown as { recallMonitorLog?: Pending };
function shared(): Pending {
  if (!holder.recallMonitorLog) {
    const created: Pending = { out: [], err: [], scheduled: false, flush: () => flush(created) };
    process.once("exit", created.flush);
    holder.recallMonitorLog = created;
  }
  return holder.recallMonitorLog;
}
const pending = shared();

function flush(p: Pending): void {
  p.scheduled = false;
  for (const [lines, stream] of [
    [p.out, process.stdout],
    [p.err, process.stderr],
  ] as const) {
    if (lines.length === 0) continue;
    const text = `${lines.join("\n")}\n`;
    lines.length = 0;
    stream.write(text);
  }
}

export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < RANK[config.logLevel]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  (level === "error" ? pending.err : pending.out).push(line);
  if (!pending.scheduled) {
    pending.scheduled = true;
    setImmediate(pending.flush);
  }
}

/** A short id that ties an error answer to its log line. */
export function errorId(): string {
  return Math.random().toString(36).slice(2, 10);
}
