// Sent-message ingest (C2C.CallbackAfterSendMsg): POST /api/im/callback against the same pipeline
// without a database (/api/bench/parse-only), one after the other on one production server, with
// message capture off and then on (a server each). Self-contained: the same shape as the other
// bench modules (`usage`, default `run(args)`).
import { randomBytes } from "node:crypto";
import autocannon from "autocannon";
import { type BenchServer, median, startBenchServer } from "@/bench/support";
import { RECALL_COMMAND } from "@/lib/im/recall-body";
import { parseFlags, UsageError } from "@/scripts/cli";

export const usage = `
messages: C2C.CallbackAfterSendMsg ingest vs. parse-only baseline, capture off and on; then recalls
  of 3,000 of those messages on one connection: the p50 capture on minus off is what joining a
  recall to its content costs (target <= 1 ms), and the messages table's size per million rows
  --amount <n>          requests measured per route and mode (default 20000)
  --connections <n>     concurrent connections (default 20)
  --rounds <n>          alternate baseline and callback n times; medians are reported (default 1)
  --database <d>        sqlite (default) or postgresql (a fresh database on TEST_POSTGRES_URL's server)
`;

const APP_ID = "1400000001";
const COMMAND = "C2C.CallbackAfterSendMsg";
const OK_BODY = '{"ActionStatus":"OK","ErrorInfo":"","ErrorCode":0}';
const USERS = 2_000;
/** Recalls sent per mode, one at a time, of the last round's messages. */
const RECALLS_MEASURED = 3_000;
const TEXTS = ["你好，今天下午三点开会吗？", "On my way, 5 minutes 🙂", "好的👌", "Can you send me the report?", "哈哈哈哈 😂😂"];

type Measured = {
  reqPerSec: number;
  p50: number;
  p99: number;
  errors: number;
  acknowledged: number;
  stored: number;
  /** The sent messages' keys (send loads), in order: the recall phase recalls these. */
  keys: string[];
};

function positiveInt(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a whole number above 0, got ${JSON.stringify(raw)}`);
  return n;
}

const fromOf = (i: number) => `user_${(i * 7) % USERS}`;
const toOf = (i: number) => `user_${(i * 13 + 1) % USERS}`;

function sendBody(i: number, msgKey: string, seconds: number): string {
  return JSON.stringify({
    CallbackCommand: COMMAND,
    From_Account: fromOf(i),
    To_Account: toOf(i),
    MsgSeq: i,
    MsgRandom: 1000 + (i % 9000),
    MsgTime: seconds,
    MsgKey: msgKey,
    OnlineOnlyFlag: 0,
    SendMsgResult: 0,
    ErrorInfo: "send msg succeed",
    UnreadMsgNum: i % 9,
    MsgBody: [{ MsgType: "TIMTextElem", MsgContent: { Text: TEXTS[i % TEXTS.length] } }],
  });
}

/** The recall of message i (sent with `msgKey`), as a client's recall reaches IM's callback. */
function recallBody(i: number, msgKey: string): string {
  return JSON.stringify({ CallbackCommand: RECALL_COMMAND, From_Account: fromOf(i), To_Account: toOf(i), MsgKey: msgKey, UnreadMsgNum: 0 });
}

/** Rows in `table` once callbacks have stopped arriving (the count holds still for 500 ms). */
async function settledCount(server: BenchServer, table: "message" | "recall" = "message"): Promise<number> {
  const count = async () => {
    const db = await server.db();
    return table === "message" ? db.message.count() : db.recall.count();
  };
  let last = await count();
  for (;;) {
    await new Promise((r) => setTimeout(r, 500));
    const now = await count();
    if (now === last) return now;
    last = now;
  }
}

/**
 * `amount` send callbacks to `route`; or, given `recall` (keys of messages sent before), a recall
 * of each of those messages in turn, as C2C.CallbackAfterMsgWithDraw.
 */
async function load(server: BenchServer, route: string, amount: number, connections: number, recall?: string[]): Promise<Measured> {
  const run = randomBytes(3).toString("hex");
  const table = recall ? "recall" : "message";
  const command = recall ? RECALL_COMMAND : COMMAND;
  const keys: string[] = [];
  let n = 0;
  let acknowledged = 0;
  const before = await settledCount(server, table);
  const started = performance.now();
  // autocannon resolves a fixed amount on its next one-second tick, up to a second after the last
  // response: rates come from the last response's time instead.
  let lastResponse = started;
  const result = await autocannon({
    url: server.url,
    connections,
    amount,
    timeout: 10,
    requests: [
      {
        method: "POST",
        setupRequest: (request) => {
          const i = n++;
          let body: string;
          if (recall) body = recallBody(i, recall[i % recall.length] ?? "");
          else {
            const seconds = Math.floor(Date.now() / 1000);
            const msgKey = `${i}_${run}_${seconds}`;
            keys.push(msgKey);
            body = sendBody(i, msgKey, seconds);
          }
          return {
            ...request,
            path: `${route}?SdkAppid=${APP_ID}&CallbackCommand=${command}&contenttype=json&ClientIP=203.0.113.${i % 250}&OptPlatform=Android`,
            body,
          };
        },
        onResponse: (status, body) => {
          lastResponse = performance.now();
          if (status === 200 && body === OK_BODY) acknowledged++;
        },
      },
    ],
  });
  // No response at all (every request failed to connect): the whole time.
  const seconds = ((lastResponse > started ? lastResponse : performance.now()) - started) / 1000;
  return {
    reqPerSec: (result["2xx"] + result.non2xx) / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    acknowledged,
    stored: (await settledCount(server, table)) - before,
    keys,
  };
}

/** Bytes the messages table (and its indexes) takes. */
async function messageBytes(server: BenchServer): Promise<number> {
  const db = await server.db();
  if (server.database.dialect === "postgresql") {
    const [row] = await db.$queryRaw<{ n: unknown }[]>`SELECT pg_total_relation_size('messages') AS n`;
    return Number(row?.n ?? 0);
  }
  const [row] = await db.$queryRaw<
    { n: unknown }[]
  >`SELECT SUM(pgsize) AS n FROM dbstat WHERE name LIKE 'messages%' OR name LIKE 'sqlite_autoindex_messages%'`;
  return Number(row?.n ?? 0);
}

export default async function run(args: string[]): Promise<void> {
  const flags = parseFlags(args, ["amount", "connections", "rounds", "database"]);
  const amount = positiveInt(flags, "amount", 20_000);
  const connections = positiveInt(flags, "connections", 20);
  const rounds = positiveInt(flags, "rounds", 1);
  const dialect = flags.get("database") ?? "sqlite";
  if (dialect !== "sqlite" && dialect !== "postgresql")
    throw new UsageError(`--database must be sqlite or postgresql, got ${JSON.stringify(dialect)}`);

  const recallP50 = { off: 0, on: 0 };
  for (const capture of [false, true]) {
    const env: Record<string, string> = {
      ENABLE_BENCH_ROUTES: "1",
      LOG_LEVEL: "error",
      IM_SDKAPPID: APP_ID,
      AUTH_SECRET: randomBytes(32).toString("base64url"),
    };
    if (capture) Object.assign(env, { IM_CAPTURE_MESSAGES: "1", MESSAGE_CONTENT_KEY: randomBytes(32).toString("base64") });
    const server = await startBenchServer({ name: `messages-${capture ? "on" : "off"}`, dialect, env });
    try {
      console.log(`messages, capture ${capture ? "on" : "off"}: ${dialect}, ${connections} connections, ${amount} requests per route`);
      // Warm-up: both routes compiled and JIT-optimised before measuring.
      await load(server, "/api/bench/parse-only", Math.min(amount, 2_000), connections);
      await load(server, "/api/im/callback", Math.min(amount, 2_000), connections);
      const baselines: Measured[] = [];
      const callbacks: Measured[] = [];
      for (let round = 0; round < rounds; round++) {
        baselines.push(await load(server, "/api/bench/parse-only", amount, connections));
        callbacks.push(await load(server, "/api/im/callback", amount, connections));
      }
      const base = median(baselines.map((m) => m.reqPerSec));
      const rate = median(callbacks.map((m) => m.reqPerSec));
      const errors = callbacks.reduce((n, m) => n + m.errors, 0);
      const acknowledged = callbacks.reduce((n, m) => n + m.acknowledged, 0);
      const stored = callbacks.reduce((n, m) => n + m.stored, 0);
      const total = await settledCount(server);
      const bytes = await messageBytes(server);
      const ratio = rate / base;
      console.log(
        `  baseline ${base.toFixed(0)} req/s; callback ${rate.toFixed(0)} req/s, p50 ${median(callbacks.map((m) => m.p50))} ms, ` +
          `p99 ${median(callbacks.map((m) => m.p99))} ms; ratio ${ratio.toFixed(2)} (target >= 0.85); errors ${errors}; ` +
          `stored ${stored} ${stored === acknowledged ? "==" : "!="} acknowledged ${acknowledged}`,
      );
      console.log(
        `  messages table: ${(bytes / 1e6).toFixed(1)} MB for ${total} rows = ${(((bytes / Math.max(total, 1)) * 1e6) / 1e9).toFixed(2)} GB per million messages`,
      );
      console.log(`  target ${ratio >= 0.85 && errors === 0 && stored === acknowledged ? "MET" : "NOT met"}`);

      // Recalls of the messages just sent, one connection (so p50 is a recall's own latency, not
      // time queued behind 19 others): with capture on each is joined to its content (kept past
      // the retention window); the difference to capture off is what that costs a recall's ingest.
      const sent = (callbacks.at(-1)?.keys ?? []).slice(0, RECALLS_MEASURED);
      const recalls = await load(server, "/api/im/callback", sent.length, 1, sent);
      recallP50[capture ? "on" : "off"] = recalls.p50;
      console.log(
        `  recalls of those messages: ${recalls.reqPerSec.toFixed(0)} req/s, p50 ${recalls.p50} ms, p99 ${recalls.p99} ms; ` +
          `errors ${recalls.errors}; stored ${recalls.stored} ${recalls.stored === recalls.acknowledged ? "==" : "!="} acknowledged ${recalls.acknowledged}`,
      );
    } finally {
      await server.stop();
    }
  }
  const added = recallP50.on - recallP50.off;
  console.log(
    `recall ingest p50: capture off ${recallP50.off} ms, on ${recallP50.on} ms; the content join adds ${added} ms (target <= 1): ${added <= 1 ? "MET" : "NOT met"}`,
  );
}
