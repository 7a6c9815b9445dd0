// npm run simulate: realistic IM callback traffic against a running Recall Monitor.

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
`;

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

function parseSimulateArgs(args: string[]): SimulationOptions {
  const flags = parseFlags(args, ["url", "sdkappid", "token", "rate", "duration", "users", "seed"]);
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
  const options = parseSimulateArgs(args);
  console.log(
    `Simulating ${options.rate} callbacks/s for ${options.durationSeconds} s among ${options.users} users -> ${options.url}` +
      (options.token ? " (signed)" : ""),
  );
  const report = await runSimulation({ ...options, onProgress: (line) => console.log(line) });
  for (const line of formatReport(report)) console.log(line);
  if (report.sent > 0 && report.errors === report.sent) process.exitCode = 1;
});
