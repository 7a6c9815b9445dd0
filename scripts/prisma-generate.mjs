#!/usr/bin/env node
// Generates the Prisma clients (SQLite and PostgreSQL) without Prisma's binary engine download.
// `prisma generate` first tries to fetch a native schema engine, which fails offline and behind
// firewalls; pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips that, and generation
// itself never uses the engine. Runs as npm's postinstall.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

if (process.argv.includes("--help")) {
  console.log("Usage: node scripts/prisma-generate.mjs\nGenerates lib/db/generated/{sqlite,postgresql} from prisma/*.prisma.");
  process.exit(0);
}
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const prismaCli = path.join(root, "node_modules", "prisma", "build", "index.js");
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? prismaCli,
  PRISMA_HIDE_UPDATE_MESSAGE: "1",
  CHECKPOINT_DISABLE: "1",
};
for (const schema of ["prisma/sqlite/schema.prisma", "prisma/postgresql/schema.prisma"]) {
  const r = spawnSync(process.execPath, [prismaCli, "generate", "--schema", schema], { cwd: root, env, stdio: "inherit" });
  if (r.status !== 0) {
    console.error(`prisma generate failed for ${schema}`);
    process.exit(r.status ?? 1);
  }
}
