// Structured logs: one JSON object per line on stdout, for any log collector to parse.
import { config } from "@/lib/config";

type Level = "info" | "error";
const RANK = { info: 0, error: 1, silent: 2 } as const;

export function log(level: Level, event: string, fields: Record<string, unknown> = {}): void {
  if (RANK[level] < RANK[config.logLevel]) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...fields });
  if (level === "error") console.error(line);
  else console.log(line);
}

/** A short id that ties an error answer to its log line. */
export function errorId(): string {
  return Math.random().toString(36).slice(2, 10);
}
