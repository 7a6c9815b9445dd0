// Migrations on PostgreSQL when several instances start at once, and when one fails.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { afterEach, expect, it } from "vitest";
import { applyMigrations, listMigrations, MIGRATION_LOCK_KEY } from "@/lib/db/migrations";
import { postgresAdminUrl } from "../support/databases";
import { eventually } from "../support/im";

const created: string[] = [];

async function admin<T>(run: (client: pg.Client) => Promise<T>, database?: string): Promise<T> {
  const url = new URL(postgresAdminUrl());
  if (database) url.pathname = `/${database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

/** A new, empty database (no migrations applied). */
async function emptyDatabase() {
  const name = `rm_test_migrate_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${name}`));
  created.push(name);
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return { name, database: { dialect: "postgresql" as const, url: url.toString() } };
}

afterEach(async () => {
  for (const name of created.splice(0)) await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
});

it("two instances migrating a fresh database at once: one applies every migration once, the other waits and applies none", async () => {
  const { name, database } = await emptyDatabase();
  const results = await Promise.all([applyMigrations(database), applyMigrations(database)]);
  const all = listMigrations("postgresql").map((m) => m.name);
  expect(results.map((r) => r.length).sort((x, y) => x - y)).toEqual([0, all.length]);
  expect(results.flat()).toEqual(all);
  const recorded = await admin(
    (c) =>
      c.query<{ migration_name: string; finished: boolean }>(
        "SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name",
      ),
    name,
  );
  expect(recorded.rows).toEqual(all.map((migration_name) => ({ migration_name, finished: true })));
  // A third start finds nothing to do.
  expect(await applyMigrations(database)).toEqual([]);
});

it("an instance starting while another migrates waits for it, then applies what is left", async () => {
  const { name, database } = await emptyDatabase();
  const key = MIGRATION_LOCK_KEY.toString();
  const other = new pg.Client({ connectionString: database.url });
  await other.connect();
  try {
    // Another instance is migrating: it holds the lock.
    await other.query("SELECT pg_advisory_lock($1)", [key]);
    const starting = applyMigrations(database);
    const waiting = await eventually(
      () =>
        admin(
          (c) =>
            c.query(
              "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = ($1::bigint >> 32) AND objid = ($1::bigint & 4294967295)",
              [key],
            ),
          name,
        ),
      (r) => r.rowCount === 1,
    );
    expect(waiting.rowCount).toBe(1);
    const before = await admin((c) => c.query<{ exists: boolean }>("SELECT to_regclass('_prisma_migrations') IS NOT NULL AS exists"), name);
    expect(before.rows[0]?.exists).toBe(false);
    await other.query("SELECT pg_advisory_unlock($1)", [key]);
    expect(await starting).toEqual(listMigrations("postgresql").map((m) => m.name));
  } finally {
    await other.end();
  }
});

it("a migration that fails halfway leaves none of its changes behind", async () => {
  const { name, database } = await emptyDatabase();
  // Makes the commit-order migration fail at its third statement, after it has added a column and an index.
  await admin(
    (c) => c.query("CREATE FUNCTION recall_monitor_notify_recalls() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$"),
    name,
  );
  await expect(applyMigrations(database)).rejects.toThrow(/recall_monitor_notify_recalls/);
  const state = await admin(
    (c) =>
      c.query<{ recalls: boolean; column: boolean; index: boolean }>(`
        SELECT to_regclass('recalls') IS NOT NULL AS recalls,
               EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'recalls' AND column_name = 'commit_seq') AS column,
               to_regclass('recalls_commit_idx') IS NOT NULL AS index`),
    name,
  );
  // The earlier migrations applied; of the failed one, nothing.
  expect(state.rows[0]).toEqual({ recalls: true, column: false, index: false });
});
