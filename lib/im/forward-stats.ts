// Fallbacks of forwarding mode, counted per command in this process: each one is a callback whose
// answer IM got from IM_FORWARD_ON_FAILURE instead of from the backend, so admins must see them.
// Kept in memory (per instance) rather than in the database: they are a live warning, not history,
// and writing a row per failure would add load exactly when the backend is already in trouble.

/** The overview warns while a fallback happened within this long. */
export const FALLBACK_WARNING_WINDOW_MS = 5 * 60_000;
// Invented command names cannot grow the map without bound (the receiver refuses longer names too).
const MAX_COMMANDS = 50;
const OTHER = "(other commands)";

type CommandFallbacks = { count: number; lastAt: number; lastReason: string };
const holder = globalThis as unknown as { recallMonitorForwardFallbacks?: Map<string, CommandFallbacks> };

function table(): Map<string, CommandFallbacks> {
  holder.recallMonitorForwardFallbacks ??= new Map();
  return holder.recallMonitorForwardFallbacks;
}

export function recordFallback(command: string, reason: string, at = Date.now()): void {
  const fallbacks = table();
  const key = fallbacks.has(command) || fallbacks.size < MAX_COMMANDS ? command : OTHER;
  const cur = fallbacks.get(key);
  if (cur) {
    cur.count += 1;
    cur.lastAt = at;
    cur.lastReason = reason;
  } else fallbacks.set(key, { count: 1, lastAt: at, lastReason: reason });
}

/** Every command with a fallback since this process started, latest first. */
export function forwardFallbacks(now = Date.now()) {
  const commands = [...table()]
    .map(([command, f]) => ({ command, count: f.count, lastAt: new Date(f.lastAt), lastReason: f.lastReason }))
    .sort((a, b) => b.lastAt.getTime() - a.lastAt.getTime());
  const latest = commands[0];
  return { commands, active: latest !== undefined && now - latest.lastAt.getTime() < FALLBACK_WARNING_WINDOW_MS };
}
