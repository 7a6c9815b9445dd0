// `npm start` refuses bad configuration before doing anything, naming the variable.
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";
import { TEST_AUTH_SECRET } from "../support/app";

const start = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts", ...args], {
    // A valid AUTH_SECRET unless a test says otherwise, so that no test writes data/auth-secret here.
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", AUTH_SECRET: TEST_AUTH_SECRET, ...env },
    encoding: "utf8",
    timeout: 30_000,
  });

it("stops with a message naming each invalid variable and the expected form", () => {
  const r = start({ IM_SDKAPPID: "my-app", PORT: "http" });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("IM_SDKAPPID: expected a comma-separated list of numeric SDKAppIDs");
  expect(r.stderr).toContain("PORT: expected a TCP port number");
  expect(r.stdout).not.toContain("Building");
});

it("explains itself with --help", () => {
  const r = start({}, ["--help"]);
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/Usage: npm start/);
  expect(r.stdout).toMatch(/applies pending database migrations/);
});

it("warns first thing when callbacks are unauthenticated (no IM_CALLBACK_TOKEN), and not when a token is set", () => {
  // A database that refuses connections stops start-up right after the warning, before any build.
  const unreachable = { IM_SDKAPPID: "1400000001", DATABASE_URL: "postgresql://postgres@127.0.0.1:1/none" };
  const without = start(unreachable);
  expect(without.stderr).toMatch(/WARNING: IM_CALLBACK_TOKEN is not set: anyone who knows your SDKAppID can post recalls/);
  expect(without.stdout).not.toContain("Building");
  const withToken = start({ ...unreachable, IM_CALLBACK_TOKEN: "a-token" });
  expect(withToken.status).not.toBe(0);
  expect(withToken.stderr).not.toContain("IM_CALLBACK_TOKEN is not set");
});

it("stops naming AUTH_SECRET when it is too short or too simple", () => {
  for (const secret of ["short", "a".repeat(40)]) {
    const r = start({ AUTH_SECRET: secret });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/AUTH_SECRET: (expected at least 32 characters|too simple)/);
    expect(r.stdout).not.toContain("Building");
  }
});

it("a production server started without npm start and without AUTH_SECRET exits naming it", () => {
  const r = spawnSync(process.execPath, ["node_modules/next/dist/bin/next", "start", "-p", "0", "-H", "127.0.0.1"], {
    // (This worktree has no data/auth-secret: the tests never let npm start write one here.)
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      NODE_ENV: "production",
      DATABASE_URL: "file:./tests/.tmp/no-secret.db",
    },
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(r.status).toBe(2);
  expect(r.stderr + r.stdout).toContain("AUTH_SECRET: required in production");
});
