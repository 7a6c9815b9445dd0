// A fresh, migrated database for each test app: a SQLite file, or a new PostgreSQL database on
// the server named by TEST_POSTGRES_URL. Each is a copy of a template migrated once per set of
// migrations (a file copy, or CREATE DATABASE … TEMPLATE), not migrated anew: running the eleven
// migrations took 1–3 s per database, paid by each of the suite's ~180 test apps.
import { createHash, randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import pg from "pg";
import type { Config } from "@/lib/config";
import { applyMigrations, type Dialect, migrationsDir } from "@/lib/db/migrations";

export type TestDatabase = { database: Config["database"]; drop(): Promise<void> };

export const testDialect = (): Config["database"]["dialect"] => (process.env.TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite");

export const postgresAdminUrl = () => process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const TMP = path.join(process.cwd(), "tests", ".tmp");

/** Changes whenever a migration is added or edited, so a stale template is never used. */
function migrationsHash(dialect: Dialect): string {
  const hash = createHash("sha256");
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const file = path.join(dir, entry.name);
      hash.update(entry.name);
      if (entry.isDirectory()) walk(file);
      else hash.update(readFileSync(file));
    }
  };
  walk(migrationsDir(dialect));
  return hash.digest("hex").slice(0, 12);
}

function urlOf(name: string): string {
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

const templates = new Map<Dialect, Promise<string>>();

/**
 * The migrated template's file or database name, made on first use. Test processes run in
 * parallel: each builds under a unique name and renames it into place, which is atomic, so a
 * half-migrated template is never seen; a process that loses the race drops its own.
 */
function template(dialect: Dialect): Promise<string> {
  let made = templates.get(dialect);
  if (!made) {
    made = dialect === "sqlite" ? sqliteTemplate() : postgresTemplate();
    templates.set(dialect, made);
  }
  return made;
}

async function sqliteTemplate(): Promise<string> {
  mkdirSync(TMP, { recursive: true });
  const file = path.join(TMP, `template_${migrationsHash("sqlite")}.db`);
  if (existsSync(file)) return file;
  const building = path.join(TMP, `template_building_${process.pid}_${randomBytes(4).toString("hex")}.db`);
  await applyMigrations({ dialect: "sqlite", url: `file:${building}`, file: building });
  // Everything into the main file, so that a copy of it alone is the whole database.
  const db = new Database(building);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.pragma("journal_mode = DELETE");
  db.close();
  renameSync(building, file);
  for (const old of readdirSync(TMP))
    if (/^template_[0-9a-f]+\.db$/.test(old) && path.join(TMP, old) !== file) rmSync(path.join(TMP, old), { force: true });
  for (const suffix of ["-wal", "-shm", "-journal"]) rmSync(building + suffix, { force: true });
  return file;
}

async function postgresTemplate(): Promise<string> {
  const name = `rm_test_template_${migrationsHash("postgresql")}`;
  const exists = await admin((c) => c.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]));
  if (exists.rowCount) return name;
  const building = `rm_test_building_${process.pid}_${randomBytes(4).toString("hex")}`;
  await admin((c) => c.query(`CREATE DATABASE ${building}`));
  await applyMigrations({ dialect: "postgresql", url: urlOf(building) });
  await admin(async (c) => {
    try {
      await c.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
    } catch (error) {
      // 42P04: another process renamed its template into place first.
      if ((error as { code?: string }).code !== "42P04") throw error;
      await c.query(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      return;
    }
    // Templates of earlier sets of migrations are not used again (a run that still uses one remakes it).
    const stale = await c.query<{ datname: string }>(
      "SELECT datname FROM pg_database WHERE datname LIKE 'rm\\_test\\_template\\_%' AND datname <> $1",
      [name],
    );
    for (const { datname } of stale.rows) await c.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`).catch(() => {});
  });
  return name;
}

export async function createTestDatabase(dialect = testDialect()): Promise<TestDatabase> {
  const name = `rm_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  if (dialect === "sqlite") {
    const file = path.join(TMP, `${name}.db`);
    copyFileSync(await template("sqlite"), file);
    const database = { dialect: "sqlite" as const, url: `file:${file}`, file };
    return {
      database,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
      },
    };
  }
  await admin(async (c) => {
    try {
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${await template("postgresql")}`);
    } catch (error) {
      // 3D000: a run with other migrations (another checkout) dropped it as stale; make it again.
      if ((error as { code?: string }).code !== "3D000") throw error;
      templates.delete("postgresql");
      await c.query(`CREATE DATABASE ${name} TEMPLATE ${await template("postgresql")}`);
    }
  });
  const database = { dialect: "postgresql" as const, url: urlOf(name) };
  return {
    database,
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
