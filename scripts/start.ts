import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { isBuildCurrent, recordBuild, sourceHash } from "./build-stamp";
import { runScript } from "./cli";

const USAGE = `
Usage: npm start

Starts Recall Monitor's production server on http://localhost:$PORT (default 3000):
  0. generates AUTH_SECRET into data/auth-secret when it is not set (first start);
  1. checks the configuration (environment and .env; see .env.example) and stops with a message
     naming any invalid variable;
  2. applies pending database migrations (SQLite by default: ./data/recall-monitor.db);
  3. builds the app when there is no build of the current sources;
  4. serves it (next start).
`;

const root = process.cwd();
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

runScript(USAGE, async () => {
  // Before the configuration is read: it needs AUTH_SECRET, which a fresh clone does not have.
  if (existsSync(".env")) process.loadEnvFile(".env");
  const { ensureAuthSecretFile } = await import("@/lib/auth/secret-file");
  if (ensureAuthSecretFile(path.resolve("data", "auth-secret"))) {
    console.log("Generated AUTH_SECRET into data/auth-secret (keep it; set AUTH_SECRET to use your own).");
  }
  const { config } = await import("@/lib/config");
  const { applyMigrations } = await import("@/lib/db/migrations");
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

  const applied = await applyMigrations(config.database);
  const where = config.database.dialect === "sqlite" ? config.database.file : "PostgreSQL";
  console.log(applied.length ? `Applied migrations to ${where}: ${applied.join(", ")}` : `Database ${where} is up to date.`);

  if (isBuildCurrent(root)) {
    console.log("Production build is current.");
  } else {
    console.log("Building the app (first start or sources changed)...");
    const hash = sourceHash(root);
    const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
    if (build.status !== 0) throw new Error(`next build failed with exit code ${build.status}`);
    recordBuild(root, hash);
  }
  if (config.im.sdkAppIds.length === 0) {
    console.warn("IM_SDKAPPID is not set: callbacks will be refused until it is (see .env.example).");
  }

  const server = spawn(process.execPath, [nextBin, "start", "-p", String(config.port)], {
    stdio: "inherit",
    env: { ...env, NODE_ENV: "production" },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
  await new Promise<void>((resolve) => {
    server.on("exit", (code, signal) => {
      process.exitCode = code ?? (signal ? 0 : 1);
      resolve();
    });
  });
});
