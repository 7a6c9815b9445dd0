// A fresh, migrated database for each test app: a SQLite file, or a new PostgreSQL database on
// the server named by TEST_POSTGRES_URL.
import { randomBytes } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import type { Config } from "@/lib/config";
import { applyMigrations } from "@/lib/db/migrations";

export type TestDatabase = { database: Config["database"]; drop(): Promise<void> };

export const testDialect = (): Config["database"]["dialect"] => (process.env.TEST_DATABASE === "postgresql" ? "postgresql" : "sqlite");

export const postgresAdminUrl = () => process.env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

const TMP = path.join(process.cwd(), "tests", ".tmp");

export async function createTestDatabase(dialect = testDialect()): Promise<TestDatabase> {
  const name = `rm_test_${process.pid}_${randomBytes(4).toString("hex")}`;
  if (dialect === "sqlite") {
    mkdirSync(TMP, { recursive: true });
    const file = path.join(TMP, `${name}.db`);
    const database = { dialect: "sqlite" as const, url: `file:${file}`, file };
    await applyMigrations(database);
    return {
      database,
      drop: async () => {
        for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(file + suffix, { force: true });
      },
    };
  }
  const admin = new pg.Client({ connectionString: postgresAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresAdminUrl());
  url.pathname = `/${name}`;
  const database = { dialect: "postgresql" as const, url: url.toString() };
  await applyMigrations(database);
  return {
    database,
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
