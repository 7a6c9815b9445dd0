// Applies and creates Prisma migrations with the WebAssembly schema engine, so that neither
// `npm start` nor `npm run db:migration` needs Prisma's native engine, which is downloaded from a
// host that offline machines and firewalled networks cannot reach. Applied migrations are
// recorded in Prisma's own `_prisma_migrations` table, so `prisma migrate deploy/status` keep
// working wherever the native engine is available.
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import {
  bindMigrationAwareSqlAdapterFactory,
  type SqlDriverAdapter,
  type SqlMigrationAwareDriverAdapterFactory,
} from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";
import pg from "pg";
import type { Config } from "@/lib/config";

export type Dialect = Config["database"]["dialect"];

const PRISMA_DIR = path.resolve(process.cwd(), "prisma");
export const schemaFile = (dialect: Dialect) => path.join(PRISMA_DIR, dialect, "schema.prisma");
export const migrationsDir = (dialect: Dialect) => path.join(PRISMA_DIR, dialect, "migrations");

const NO_FILTERS = { externalTables: [], externalEnums: [] };

let engineClass: Promise<typeof SchemaEngine> | undefined;

// On Node 20 the package's entry point imports a .wasm file, which needs a flag; instantiating
// the module by hand avoids that.
function loadEngineClass(): Promise<typeof SchemaEngine> {
  engineClass ??= (async () => {
    const bg = await import("@prisma/schema-engine-wasm/schema_engine_bg");
    const require = createRequire(import.meta.url);
    const wasmFile = path.join(path.dirname(require.resolve("@prisma/schema-engine-wasm/schema_engine_bg")), "schema_engine_bg.wasm");
    const { instance } = await WebAssembly.instantiate(readFileSync(wasmFile), { "./schema_engine_bg.js": bg });
    const exports = instance.exports as unknown as { __wbindgen_start(): void };
    bg.__wbg_set_wasm(exports);
    exports.__wbindgen_start();
    return bg.SchemaEngine;
  })();
  return engineClass;
}

function adapterFactory(database: Config["database"]) {
  if (database.dialect === "postgresql") return new PrismaPg({ connectionString: database.url });
  mkdirSync(path.dirname(database.file), { recursive: true });
  return new PrismaBetterSqlite3({ url: `file:${database.file}` });
}

/**
 * The PostgreSQL adapter runs a migration script by splitting it on every `;`, which breaks
 * dollar-quoted function bodies and comments, and runs the pieces one by one, so a failure
 * halfway leaves half a migration applied. Sent whole as one simple query instead, PostgreSQL
 * runs the script as a single transaction (unless it has its own BEGIN/COMMIT, or a statement
 * that cannot run in one, such as CREATE INDEX CONCURRENTLY): it applies entirely or not at all.
 */
function wholeScripts(adapter: SqlDriverAdapter, url: string, onError: (error: unknown) => void): SqlDriverAdapter {
  const executeScript = async (script: string) => {
    const client = new pg.Client({ connectionString: url, application_name: "recall-monitor-migrate" });
    await client.connect();
    try {
      await client.query(script);
    } catch (error) {
      // The engine reports a plain error as "External error id#0"; keep the database's words.
      onError(error);
      throw error;
    } finally {
      await client.end();
    }
  };
  return new Proxy(adapter, {
    get: (target, key, receiver) => (key === "executeScript" ? executeScript : Reflect.get(target, key, receiver)),
  });
}

async function withEngine<T>(database: Config["database"], run: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  let scriptError: unknown;
  const Engine = await loadEngineClass();
  const schema = schemaFile(database.dialect);
  // The engine does not close the connections it opens when freed, and on SQLite it holds the file
  // in exclusive locking mode: keep track of them and close them, or the app that starts next
  // could never write.
  const factory = adapterFactory(database);
  const opened: SqlDriverAdapter[] = [];
  const tracked: SqlMigrationAwareDriverAdapterFactory = {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => {
      const adapter = await factory.connect();
      opened.push(adapter);
      if (database.dialect === "sqlite") return adapter;
      return wholeScripts(adapter, database.url, (error) => {
        scriptError = error;
      });
    },
    connectToShadowDb: async () => {
      const adapter = await factory.connectToShadowDb();
      opened.push(adapter);
      return adapter;
    },
  };
  const engine = await Engine.new(
    { datamodels: [[schema, readFileSync(schema, "utf8")]] },
    () => {},
    bindMigrationAwareSqlAdapterFactory(tracked),
  );
  try {
    return await run(engine);
  } catch (error) {
    if (scriptError instanceof Error) {
      throw new Error(
        `${scriptError.message} (the migration was rolled back; fix the cause and mark it rolled back: prisma migrate resolve)`,
        {
          cause: error,
        },
      );
    }
    throw error;
  } finally {
    engine.free();
    await Promise.all(opened.map((a) => a.dispose().catch(() => {})));
  }
}

/** The migrations committed under prisma/<dialect>/migrations, oldest first. */
export function listMigrations(dialect: Dialect) {
  const dir = migrationsDir(dialect);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => ({ name, sql: readFileSync(path.join(dir, name, "migration.sql"), "utf8") }));
}

/** Names of the migrations the database has recorded as applied; empty for a new database. */
async function appliedMigrationNames(database: Config["database"]): Promise<Set<string>> {
  const adapter = await adapterFactory(database).connect();
  try {
    const result = await adapter.queryRaw({
      sql: "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
      args: [],
      argTypes: [],
    });
    return new Set(result.rows.map((row) => String(row[0])));
  } catch {
    return new Set(); // no _prisma_migrations table yet
  } finally {
    await adapter.dispose();
  }
}

/** Any fixed 64-bit number, the same in every instance: the key of the migrations' advisory lock. */
export const MIGRATION_LOCK_KEY = 7_265_727_301n;

/**
 * Applies pending migrations; returns the names of those it applied. On PostgreSQL several
 * instances may start at once: each takes the same session advisory lock first, so one applies
 * while the others wait, then find nothing pending. (SQLite serves one instance, and the schema
 * engine takes the file in exclusive locking mode anyway.)
 */
export async function applyMigrations(database: Config["database"]): Promise<string[]> {
  if (database.dialect === "sqlite") return applyUnlocked(database);
  // A dedicated connection: a session advisory lock lasts as long as the session that took it.
  const lock = new pg.Client({ connectionString: database.url, application_name: "recall-monitor-migrate-lock" });
  await lock.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY.toString()]);
    return await applyUnlocked(database);
  } finally {
    // Ending the session releases the lock, even if the unlock itself fails.
    await lock.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY.toString()]).catch(() => {});
    await lock.end().catch(() => {});
  }
}

async function applyUnlocked(database: Config["database"]): Promise<string[]> {
  const dir = migrationsDir(database.dialect);
  const migrations = listMigrations(database.dialect);
  // The engine takes SQLite's file in exclusive locking mode, which fails while any other process
  // (a running app, a seed) has it open; checking first keeps the common case, nothing pending,
  // from needing that.
  const applied = await appliedMigrationNames(database);
  if (migrations.every((m) => applied.has(m.name))) return [];
  try {
    return await withEngine(database, async (engine) => {
      const result = await engine.applyMigrations({
        migrationsList: {
          baseDir: dir,
          lockfile: { path: "migration_lock.toml", content: readFileSync(path.join(dir, "migration_lock.toml"), "utf8") },
          shadowDbInitScript: "",
          // `path` is stored verbatim as the migration's name, so it must be the bare folder name.
          migrationDirectories: migrations.map((m) => ({
            path: m.name,
            migrationFile: { path: "migration.sql", content: { tag: "ok" as const, value: m.sql } },
          })),
        },
        filters: NO_FILTERS,
      });
      return result.appliedMigrationNames;
    });
  } catch (error) {
    if (database.dialect === "sqlite" && String(error).includes("SocketTimeout")) {
      throw new Error(`Cannot migrate ${database.file}: another process has it open (is Recall Monitor running?). Stop it and try again.`);
    }
    throw error;
  }
}

/**
 * SQL that turns a database built from schema `from` (null: an empty database) into one built
 * from schema `to`. Diffing two schema texts needs no shadow database, which the wasm engine
 * cannot drive reliably on either dialect.
 */
export async function diffSchemas(database: Config["database"], from: string | null, to: string): Promise<string> {
  const file = schemaFile(database.dialect);
  return withEngine(database, async (engine) => {
    const result = await engine.diff({
      from: from === null ? { tag: "empty" } : { tag: "schemaDatamodel", files: [{ path: file, content: from }] },
      to: { tag: "schemaDatamodel", files: [{ path: file, content: to }] },
      script: true,
      exitCode: null,
      filters: NO_FILTERS,
    });
    return result.stdout ?? "";
  });
}
