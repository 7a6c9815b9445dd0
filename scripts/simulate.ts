// npm run simulate: realistic IM callback traffic against a running Recall Monitor.

import { isValidBeforeErrorCode, startForwardTarget } from "@/lib/simulator/forward-target";
import { formatReport, runSimulation, type SimulationOptions } from "@/lib/simulator/send";
import { parseFlags, runScript, UsageError } from "@/scripts/cli";

const USAGE = `
Usage: npm run simulate -- --url <callback URL> --sdkappid <id> [options]

Sends IM callbacks like Tencent IM does: recalls (C2C.CallbackAfterMsgWithDraw) among a population
of users (a few heavy recallers), unread counts that drift, real OptPlatform spellings, some
redeliveries of recalls already sent, and other callback commands that share the URL.
Prints how the callbacks were answered.

Options:
  --url <url>         the callback URL, e.g. http://localhost:3000/api/im/callback (required)
  --sdkappid <id>     the SDKAppID the app is configured with (IM_SDKAPPID) (required)
  --token <token>     sign each callback with Sign/RequestTime, as with IM_CALLBACK_TOKEN set
  --rate <n>          callbacks per second (default 20)
  --duration <s>      seconds to run (default 30)
  --users <n>         number of distinct users (default 200)
  --seed <n>          random seed, to replay the same traffic shape (default: time-based)
  --help              show this help

Forwarding mode (IM_FORWARD_URL), all on one machine:
  --forward-target <port>     also run a stand-in for your own backend on 127.0.0.1:<port>; start
                              Recall Monitor with IM_FORWARD_URL=http://127.0.0.1:<port>/ to forward to it.
                              Without --url it runs until Ctrl-C.
  --forward-error-code <n>    its answer to "before" callbacks: 0 allow (default), 1 reject,
                              2 drop silently, 120001-130000 an app-defined error
  --forward-latency <ms>      how long it takes to answer a "before" callback (default 0); above
                              IM_FORWARD_TIMEOUT_MS, Recall Monitor answers IM_FORWARD_ON_FAILURE instead

Example:
  npm run simulate -- --forward-target 4001 --forward-error-code 1 --forward-latency 200 \\
    --url http://localhost:3000/api/im/callback --sdkappid 1400000000
`;

type ForwardTargetFlags = { port: number; errorCode: number; latencyMs: number };

function parseForwardTarget(flags: Map<string, string>): ForwardTargetFlags | undefined {
  const raw = flags.get("forward-target");
  if (raw === undefined) {
    for (const name of ["forward-error-code", "forward-latency"])
      if (flags.has(name)) throw new UsageError(`--${name} needs --forward-target`);
    return undefined;
  }
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port < 1 || port > 65_535)
    throw new UsageError(`--forward-target must be a TCP port, got ${JSON.stringify(raw)}`);
  const codeRaw = flags.get("forward-error-code") ?? "0";
  const errorCode = Number(codeRaw);
  if (!/^\d+$/.test(codeRaw) || !isValidBeforeErrorCode(errorCode))
    throw new UsageError(`--forward-error-code must be 0, 1, 2 or 120001-130000, got ${JSON.stringify(codeRaw)}`);
  const latencyRaw = flags.get("forward-latency") ?? "0";
  const latencyMs = Number(latencyRaw);
  if (!/^\d+$/.test(latencyRaw) || latencyMs > 60_000)
    throw new UsageError(`--forward-latency must be a whole number of milliseconds up to 60000, got ${JSON.stringify(latencyRaw)}`);
  return { port, errorCode, latencyMs };
}

function positive(
  flags: Map<string, string>,
  name: string,
  fallback: number,
  { integer = true, max = Number.POSITIVE_INFINITY } = {},
): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value)) || value > max) {
    throw new UsageError(
      `--${name} must be a ${integer ? "whole " : ""}number above 0${Number.isFinite(max) ? ` and at most ${max}` : ""}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function atLeastTwoUsers(users: number): number {
  if (users < 2) throw new UsageError("--users must be at least 2 (a recall has a sender and a recipient)");
  return users;
}

function parseSimulateArgs(flags: Map<string, string>): SimulationOptions {
  const url = flags.get("url");
  if (!url) throw new UsageError("--url is required");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
    throw new UsageError(`--url must be http or https, got ${parsed.protocol}`);
  const sdkAppId = flags.get("sdkappid");
  if (!sdkAppId) throw new UsageError("--sdkappid is required");
  if (!/^\d{1,20}$/.test(sdkAppId)) throw new UsageError(`--sdkappid must be a numeric SDKAppID, got ${JSON.stringify(sdkAppId)}`);
  const token = flags.get("token");
  if (token === "") throw new UsageError("--token must not be empty");
  return {
    url,
    sdkAppId,
    token,
    rate: positive(flags, "rate", 20, { integer: false, max: 10_000 }),
    durationSeconds: positive(flags, "duration", 30, { integer: false, max: 86_400 }),
    users: atLeastTwoUsers(positive(flags, "users", 200, { max: 10_000_000 })),
    seed: flags.has("seed") ? positive(flags, "seed", 1) : undefined,
  };
}

await runScript(USAGE, async (args) => {
  const flags = parseFlags(args, [
    "url",
    "sdkappid",
    "token",
    "rate",
    "duration",
    "users",
    "seed",
    "forward-target",
    "forward-error-code",
    "forward-latency",
  ]);
  const targetFlags = parseForwardTarget(flags);
  const target = targetFlags ? await startForwardTarget({ host: "127.0.0.1", ...targetFlags }) : undefined;
  if (target && targetFlags) {
    console.log(
      `Backend stand-in on ${target.url}: "before" callbacks get ErrorCode ${targetFlags.errorCode} after ${targetFlags.latencyMs} ms. Run Recall Monitor with IM_FORWARD_URL=${target.url}`,
    );
  }
  const printTarget = () => {
    if (!target) return;
    console.log("The backend stand-in received:");
    for (const [command, n] of [...target.received].sort((a, b) => b[1] - a[1])) console.log(`  ${command}: ${n}`);
  };
  if (target && !flags.has("url")) {
    await new Promise<void>((resolve) => process.once("SIGINT", () => resolve()));
    printTarget();
    await target.close();
    return;
  }
  const options = parseSimulateArgs(flags);
  console.log(
    `Simulating ${options.rate} callbacks/s for ${options.durationSeconds} s among ${options.users} users -> ${options.url}` +
      (options.token ? " (signed)" : ""),
  );
  const report = await runSimulation({ ...options, onProgress: (line) => console.log(line) });
  for (const line of formatReport(report)) console.log(line);
  // Recalls' copies may still be on their way (or in Recall Monitor's outbox).
  if (target) await new Promise((r) => setTimeout(r, 1_000));
  printTarget();
  await target?.close();
  if (report.sent > 0 && report.errors === report.sent) process.exitCode = 1;
});
