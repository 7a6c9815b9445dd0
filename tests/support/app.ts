// Starts the real production build (through scripts/serve.ts, the server `npm start` runs) against
// a fresh database, as a user would run it, so tests speak HTTP to the same server that IM would call.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import type { Role } from "@/lib/auth/roles";
import { connectDb, type Db } from "@/lib/db/client";
import { headersFor, sessionCookieFor } from "./auth";
import { createTestDatabase, type TestDatabase } from "./databases";

export const TEST_APP_ID = "1400000001";

const START_TIMEOUT_MS = 120_000;
/** Fixed so that a restarted app still accepts the sessions it issued. */
export const TEST_AUTH_SECRET = "test-secret-for-integration-tests-0123456789";

export type TestApp = {
  url: string;
  database: TestDatabase["database"];
  /** A Prisma client on the app's database, for assertions. */
  db(): Promise<Db>;
  logs(): string;
  /** `Authorization: Bearer <token>` of a staff account with `role` (tests/support/auth.ts). */
  headersFor(role: Role): Promise<Record<string, string>>;
  /** `Cookie: <session>` of a signed-in staff account with `role`, for pages. */
  cookieFor(role: Role): Promise<Record<string, string>>;
  /** The running server's process id (changes on restart); undefined while it is down. */
  pid(): number | undefined;
  /** Kills the server process at once (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Starts the server again on the same port and database. */
  restart(): Promise<void>;
  stop(): Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const address = srv.address();
      const port = typeof address === "object" && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function startApp(options: { env?: Record<string, string>; database?: TestDatabase } = {}): Promise<TestApp> {
  const testDb = options.database ?? (await createTestDatabase());
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  let child: ChildProcess | undefined;
  let client: Db | undefined;

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    NODE_ENV: "production",
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: testDb.database.url,
    IM_SDKAPPID: TEST_APP_ID,
    AUTH_SECRET: TEST_AUTH_SECRET,
    PORT: String(port),
    ...options.env,
  };

  const launch = async () => {
    const proc = spawn(
      process.execPath,
      ["--import", "tsx", path.join("scripts", "serve.ts"), "--port", String(port), "--hostname", "127.0.0.1"],
      {
        cwd: process.cwd(),
        env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    child = proc;
    proc.stdout?.on("data", (d) => {
      output += d;
    });
    proc.stderr?.on("data", (d) => {
      output += d;
    });
    // Generous: on a loaded 2-core machine a cold start has taken well over 30 s. A server that
    // misses it is killed, so a failed start does not leave it running under later tests.
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`next start exited with ${proc.exitCode}:\n${output}`);
      try {
        const res = await fetch(`${url}/api/health`);
        if (res.status === 200 || res.status === 503) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    proc.kill("SIGKILL");
    throw new Error(`next start did not answer within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
  };

  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once("exit", () => resolve());
      proc.kill(signal);
    });

  await launch();
  const app: TestApp = {
    url,
    database: testDb.database,
    db: async () => {
      client ??= await connectDb(testDb.database);
      return client;
    },
    logs: () => output,
    headersFor: (role) => headersFor(app, role),
    cookieFor: (role) => sessionCookieFor(app, role),
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    kill: () => exit("SIGKILL"),
    restart: launch,
    stop: async () => {
      await exit("SIGTERM");
      await client?.$disconnect();
      await testDb.drop();
    },
  };
  return app;
}
