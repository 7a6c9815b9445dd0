// The schemas cannot drift apart silently: prisma/postgresql/schema.prisma must be what
// prisma/schemas.mjs derives from prisma/sqlite/schema.prisma, and the schema must be the one the
// last migration was made from (npm run db:migration updates prisma/schema-at-last-migration.prisma
// with the migrations it writes). An edited schema without its migration fails here, before any
// database sees code that expects columns no migration creates.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { derivePostgresSchema, schemaPaths } from "@/prisma/schemas.mjs";

const read = (file: string) => readFileSync(file, "utf8");

describe("Prisma schemas", () => {
  it("prisma/postgresql/schema.prisma is derived from prisma/sqlite/schema.prisma (run npm run db:migration -- <name>)", () => {
    expect(read(schemaPaths.postgresql)).toBe(derivePostgresSchema(read(schemaPaths.sqlite)));
  });

  it("prisma/sqlite/schema.prisma has no changes since the last migration (run npm run db:migration -- <name>)", () => {
    expect(read(schemaPaths.sqlite)).toBe(read(path.join(path.dirname(schemaPaths.sqlite), "..", "schema-at-last-migration.prisma")));
  });
});
