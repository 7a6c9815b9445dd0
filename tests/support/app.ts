// Starts the real production build (`next start`) against a fresh database, as a user would run
// it, so tests speak HTTP to the same server that IM would call.
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { connectDb, type Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "./databases";

export const TEST_APP_ID = "1400000001";

export type TestApp = {
  url: string;
  database: TestDatabase["database"];
  /** A Prisma client on the app's database, for assertions. */
  db(): Promise<Db>;
  logs(): string;
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
    PORT: String(port),
    ...options.env,
  };

  const launch = async () => {
    const proc = spawn(
      process.execPath,
      [path.join("node_modules", "next", "dist", "bin", "next"), "start", "-p", String(port), "-H", "127.0.0.1"],
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
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`next start exited with ${proc.exitCode}:\n${output}`);
      try {
        const res = await fetch(`${url}/api/health`);
        if (res.status === 200 || res.status === 503) return;
      } catch {}
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`next start did not answer within 30 s:\n${output}`);
  };

  const exit = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      const proc = child;
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once("exit", () => resolve());
      proc.kill(signal);
    });

  await launch();
  return {
    url,
    database: testDb.database,
    db: async () => {
      client ??= await connectDb(testDb.database);
      return client;
    },
    logs: () => output,
    pid: () => (child && child.exitCode === null && child.signalCode === null ? child.pid : undefined),
    kill: () => exit("SIGKILL"),
    restart: launch,
    stop: async () => {
      await exit("SIGTERM");
      await client?.$disconnect();
      await testDb.drop();
    },
  };
}
