import { runScript } from "./cli";

const USAGE = `
Usage: npm run db:migrate

Applies pending migrations from prisma/<sqlite|postgresql>/migrations to the database named by
DATABASE_URL (default file:./data/recall-monitor.db). Safe to run repeatedly; \`npm start\` runs it.
`;

runScript(USAGE, async () => {
  const { config } = await import("@/lib/config");
  const { applyMigrations } = await import("@/lib/db/migrations");
  const applied = await applyMigrations(config.database);
  console.log(applied.length ? `Applied ${applied.length} migration(s): ${applied.join(", ")}` : "Database is up to date.");
});
