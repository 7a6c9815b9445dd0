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
  4. serves it (scripts/serve.ts: Next.js behind a server that resolves client addresses per
     TRUST_PROXY, sets security headers and stops gracefully on SIGTERM).
`;

const root = process.cwd();
const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");
const serveScript = path.join(root, "scripts", "serve.ts");

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
  // Before the slow steps, so it is the first thing seen.
  if (!config.im.callbackToken) {
    console.warn(
      "WARNING: IM_CALLBACK_TOKEN is not set: anyone who knows your SDKAppID can post recalls. Enable callback authentication in the IM console and set the same token (see docs/deployment.md).",
    );
  }

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

  // In this process's module loader (tsx), not a child of tsx's CLI, so signals reach the server itself.
  const server = spawn(process.execPath, ["--import", "tsx", serveScript, "--port", String(config.port)], {
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
