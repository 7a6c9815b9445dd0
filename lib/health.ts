// Liveness and readiness. A load balancer keeps sending to an instance while /api/health/live
// answers and routes requests to it only while /api/health (readiness) answers 200: the database
// answers and every migration this build ships with is applied, so the instance can commit.
import { readdirSync } from "node:fs";
import path from "node:path";
import { type Db, getDb } from "@/lib/db/client";
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
const holder = globalThis as unknown as { recallMonitorMigrationsApplied?: boolean };

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
    db = await getDb();
    await db.$queryRaw`SELECT 1`;
  } catch {
    return { ready: false, reason: "database does not answer" };
  }
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
