// Liveness and readiness as a load balancer sees them: /api/health/live answers while the process
// does; /api/health answers 200 only while the instance can commit (database up, migrations applied).
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type TestApp } from "../support/app";
import { createTestDatabase, postgresAdminUrl, testDialect } from "../support/databases";

const LAST_MIGRATION = "20261201205159_user_hourly_covering_index";

describe("a migrated database", () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("is live and ready", async () => {
    const live = await fetch(`${app.url}/api/health/live`);
    expect(live.status).toBe(200);
    expect(await live.json()).toEqual({ status: "ok" });
    const ready = await fetch(`${app.url}/api/health`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: "ok" });
  });
});

describe("a database missing a migration", () => {
  let app: TestApp;
  beforeAll(async () => {
    const database = await createTestDatabase();
    // Mark the newest migration as rolled back before the app starts: a build newer than its schema.
    const { connectDb } = await import("@/lib/db/client");
    const db = await connectDb(database.database);
    await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = finished_at WHERE migration_name = ${LAST_MIGRATION}`;
    await db.$disconnect();
    app = await startApp({ database });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("is live but not ready, naming the migration, until it is applied", async () => {
    expect((await fetch(`${app.url}/api/health/live`)).status).toBe(200);
    const ready = await fetch(`${app.url}/api/health`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: "unavailable", error: `migrations not applied: ${LAST_MIGRATION}` });

    const db = await app.db();
    await db.$executeRaw`UPDATE _prisma_migrations SET rolled_back_at = NULL WHERE migration_name = ${LAST_MIGRATION}`;
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  });
});

describe("a database that cannot be used", () => {
  let app: TestApp;
  beforeAll(async () => {
    // SQLite: a new, empty file (no tables at all); PostgreSQL: a database that does not exist.
    const url = new URL(postgresAdminUrl());
    url.pathname = "/rm_test_missing_database";
    const file = path.join(process.cwd(), "tests", ".tmp", `rm_test_empty_${process.pid}.db`);
    const database =
      testDialect() === "postgresql"
        ? { dialect: "postgresql" as const, url: url.toString() }
        : { dialect: "sqlite" as const, url: `file:${file}`, file };
    app = await startApp({ database: { database, drop: async () => rmSync(file, { force: true }) } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("is live but not ready", async () => {
    expect((await fetch(`${app.url}/api/health/live`)).status).toBe(200);
    const ready = await fetch(`${app.url}/api/health`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as { status: string; error: string };
    expect(body.status).toBe("unavailable");
    expect(body.error).toBe(testDialect() === "postgresql" ? "database does not answer" : "migrations not applied (no migration table)");
  });
});
