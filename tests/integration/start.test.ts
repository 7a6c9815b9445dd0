// `npm start` refuses bad configuration before doing anything, naming the variable.
import { spawnSync } from "node:child_process";
import { expect, it } from "vitest";

const start = (env: Record<string, string>, args: string[] = []) =>
  spawnSync(process.execPath, ["node_modules/tsx/dist/cli.mjs", "scripts/start.ts", ...args], {
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", NODE_ENV: "production", ...env },
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
