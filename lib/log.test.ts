// The log is buffered for a turn of the event loop (lib/log.ts): what a process logged must still
// reach its output, in order, however it ends.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

function run(script: string) {
  const child = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "info" },
    encoding: "utf8",
  });
  const events = (text: string) =>
    text
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => (JSON.parse(l) as { event: string }).event);
  return { status: child.status, out: events(child.stdout), err: events(child.stderr) };
}

const LOG = `const { log } = await import(${JSON.stringify(path.join(ROOT, "lib/log.ts"))});`;

describe("log", () => {
  it("writes every line, in order, one JSON object per line, info to stdout and errors to stderr", () => {
    const r = run(
      `${LOG} log("info", "a"); log("error", "b", { n: 1 }); log("info", "c"); await new Promise((r) => setTimeout(r, 10)); log("info", "d");`,
    );
    expect(r.status).toBe(0);
    expect(r.out).toEqual(["a", "c", "d"]);
    expect(r.err).toEqual(["b"]);
  });

  it("still writes what was logged just before process.exit()", () => {
    const r = run(`${LOG} log("info", "before-exit"); process.exit(3);`);
    expect(r.status).toBe(3);
    expect(r.out).toEqual(["before-exit"]);
  });

  it("still writes what was logged just before an uncaught exception", () => {
    const r = run(`${LOG} log("error", "about-to-fail"); throw new Error("boom");`);
    expect(r.status).not.toBe(0);
    expect(r.err).toEqual(["about-to-fail"]);
  });
});
