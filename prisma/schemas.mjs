// The PostgreSQL schema is derived from the SQLite one so the models are written once.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const prismaDir = path.dirname(fileURLToPath(import.meta.url));
export const schemaPaths = {
  sqlite: path.join(prismaDir, "sqlite", "schema.prisma"),
  postgresql: path.join(prismaDir, "postgresql", "schema.prisma"),
};

/** Turns the SQLite schema text into the PostgreSQL one. */
/** @param {string} sqliteSchema @returns {string} */
export function derivePostgresSchema(sqliteSchema) {
  const out = sqliteSchema
    .replace('provider = "sqlite"', 'provider = "postgresql"')
    .replace('output   = "../../lib/db/generated/sqlite"', 'output   = "../../lib/db/generated/postgresql"')
    .replace(/^\/\/ The data model\.[\s\S]*?edit models here and nowhere else\.\n/m, "");
  if (!out.includes('provider = "postgresql"') || !out.includes("generated/postgresql")) {
    throw new Error("prisma/sqlite/schema.prisma no longer has the expected datasource/generator lines");
  }
  return `// GENERATED from prisma/sqlite/schema.prisma by prisma/schemas.mjs. Do not edit.\n${out}`;
}

/** Rewrites prisma/postgresql/schema.prisma; returns true when it changed. */
export function writePostgresSchema() {
  const next = derivePostgresSchema(readFileSync(schemaPaths.sqlite, "utf8"));
  let prev = "";
  try {
    prev = readFileSync(schemaPaths.postgresql, "utf8");
  } catch {}
  if (prev === next) return false;
  writeFileSync(schemaPaths.postgresql, next);
  return true;
}
