// Liveness and readiness. A load balancer keeps sending to an instance while /api/health/live
// answers and routes requests to it only while /api/health (readiness) answers 200: the database
// answers and every migration this build ships with is applied, so the instance can commit.
import { readdirSync } from "node:fs";
import path from "node:path";
import { type Db, getReceiverDb } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";

export type Readiness = { ready: true } | { ready: false; reason: string };

/** Migration folders this build ships with (the same folders `npm start` applies). */
function shippedMigrations(dialect: "sqlite" | "postgresql"): string[] {
  const dir = path.join(process.cwd(), "prisma", dialect, "migrations");
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
}

// Once every migration is applied it stays applied: later checks only ask the database to answer.
// The receiver's last commits are kept here too (on globalThis: route bundles share one copy).
type WriteState = { failedAt: number; reason: string; succeededAt: number };
const holder = globalThis as unknown as { recallMonitorMigrationsApplied?: boolean; recallMonitorWrites?: WriteState };
holder.recallMonitorWrites ??= { failedAt: 0, reason: "", succeededAt: 0 };
const writes = holder.recallMonitorWrites;

/**
 * How long a failed commit keeps readiness at 503 unless a commit succeeds first. A database that
 * answers SELECT 1 may still refuse every write (a read-only or full disk, a lock held elsewhere):
 * only the commits show that. The window ends by itself, so an instance that gets no callbacks
 * while unready is not kept out for good; the next failed commit starts it again.
 */
export const WRITE_FAILURE_WINDOW_MS = 5_000;

/** The receiver reports each commit's result: a database-side failure, or a success. */
export function noteCommit(result: { ok: true } | { ok: false; reason: string }, now = Date.now()): void {
  if (result.ok) writes.succeededAt = now;
  else {
    writes.failedAt = now;
    writes.reason = result.reason;
  }
}

function recentWriteFailure(now = Date.now()): string | undefined {
  if (writes.failedAt > writes.succeededAt && now - writes.failedAt < WRITE_FAILURE_WINDOW_MS) return writes.reason;
  return undefined;
}

/** Names of the shipped migrations that `db` has not recorded as applied. */
export async function pendingMigrations(db: Db, dialect: "sqlite" | "postgresql"): Promise<string[]> {
  const rows = await db.$queryRaw<{ migration_name: string }[]>`
    SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL`;
  const applied = new Set(rows.map((r) => r.migration_name));
  return shippedMigrations(dialect).filter((name) => !applied.has(name));
}

export async function readiness(): Promise<Readiness> {
  let db: Db;
  try {
    // The receiver's own client: readiness asks whether this instance can commit callbacks, and
    // on PostgreSQL the dashboard's pool may be busy with exports and heavy views while the
    // receiver's is not (the hostile-input run saw health wait over 1 s for a dashboard connection).
    db = await getReceiverDb();
    await db.$queryRaw`SELECT 1`;
  } catch {
    return { ready: false, reason: "database does not answer" };
  }
  const writeFailure = recentWriteFailure();
  if (writeFailure) return { ready: false, reason: `database does not take writes (${writeFailure})` };
  if (holder.recallMonitorMigrationsApplied) return { ready: true };
  try {
    const pending = await pendingMigrations(db, dialectOf(db));
    if (pending.length > 0) return { ready: false, reason: `migrations not applied: ${pending.join(", ")}` };
  } catch {
    return { ready: false, reason: "migrations not applied (no migration table)" };
  }
  holder.recallMonitorMigrationsApplied = true;
  return { ready: true };
}
