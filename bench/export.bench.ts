// CSV export throughput and server memory on the seeded data sets (bench/dataset.ts: 100k, 1M, 10M
// recalls, SQLite or PostgreSQL), against a same-run baseline that reads the same rows in the same
// order straight from the database (better-sqlite3 iterate(); on PostgreSQL keyset pages through pg)
// and writes minimal CSV to /dev/null.
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { get } from "node:http";
import path from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import type { Config } from "@/lib/config";
import { parseFlags } from "@/scripts/cli";
import { startApp } from "@/tests/support/app";
import { ownFlags, parseDialect, parseSizes } from "./dashboard.bench";
import { datasetCopy } from "./dataset";
import { type BenchResult, type Figure, figure } from "./results";
import { ensureBuild } from "./support";

export const usage = `export [--database sqlite|postgresql] [--sizes 100000,1000000,10000000]
  CSV export (GET /api/recalls/export, every recall) through the server vs reading the same rows
  straight from the database; rows/s (target >= 150,000), time vs baseline (<= 2.5x) and server RSS
  growth during the export (flat: <= 100 MB) at each size.`;

const TARGET_ROWS_PER_S = 150_000;
const TARGET_RATIO = 2.5;
const TARGET_RSS_MB = 100;

const COLUMNS = "received_at, event_time, sdk_app_id, from_account, to_account, msg_key, unread_msg_num, opt_platform, client_ip";
type Row = Record<string, unknown>;
const line = (r: Row) =>
  `${r.received_at instanceof Date ? r.received_at.toISOString() : r.received_at},${r.event_time instanceof Date ? r.event_time.toISOString() : (r.event_time ?? "")},${r.sdk_app_id},${r.from_account},${r.to_account},${r.msg_key},${r.unread_msg_num ?? ""},${r.opt_platform ?? ""},${r.client_ip ?? ""}\r\n`;

/** The baseline: the same rows in the same order, minimal CSV, written to /dev/null. */
async function baseline(database: Config["database"]): Promise<{ rows: number; ms: number }> {
  const out = openSync("/dev/null", "w");
  const started = performance.now();
  let rows = 0;
  let buffer = "";
  const emit = (r: Row) => {
    buffer += line(r);
    if (++rows % 1000 === 0) {
      writeSync(out, buffer);
      buffer = "";
    }
  };
  if (database.dialect === "sqlite") {
    const db = new Database(database.file, { readonly: true });
    for (const r of db.prepare(`SELECT ${COLUMNS} FROM recalls ORDER BY received_at, id`).iterate() as Iterable<Row>) emit(r);
    db.close();
  } else {
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let after: [unknown, number] | undefined;
    for (;;) {
      const { rows: page } = await client.query<Row & { id: number }>(
        after
          ? `SELECT id, ${COLUMNS} FROM recalls WHERE (received_at, id) > ($1, $2) ORDER BY received_at, id LIMIT 10000`
          : `SELECT id, ${COLUMNS} FROM recalls ORDER BY received_at, id LIMIT 10000`,
        after ?? [],
      );
      for (const r of page) emit(r);
      const last = page.at(-1);
      if (!last || page.length < 10000) break;
      after = [last.received_at, last.id];
    }
    await client.end();
  }
  writeSync(out, buffer);
  closeSync(out);
  return { rows, ms: performance.now() - started };
}

/** Resident memory (kB) of a process and all its descendants: `next start` may fork its server. */
function treeRssKb(pid: number): number {
  let total = 0;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    total += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
      for (const child of children ? children.split(/\s+/) : []) total += treeRssKb(Number(child));
    }
  } catch {
    // The process ended between listing and reading.
  }
  return total;
}

/** Downloads with node:http and discards the bytes: a client that costs the server's CPU share little. */
function download(url: string, headers: Record<string, string>): Promise<{ bytes: number; ms: number; exportId: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`export answered ${res.statusCode}`));
      let bytes = 0;
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.byteLength;
      });
      res.on("end", () => resolve({ bytes, ms: performance.now() - started, exportId: String(res.headers["x-export-id"] ?? "") }));
      res.on("error", reject);
    }).on("error", reject);
  });
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

export default async function run(args: string[]): Promise<BenchResult> {
  const flags = parseFlags(ownFlags(args, ["database", "sizes"]), ["database", "sizes"]);
  const dialect = parseDialect(flags.get("database"));
  const sizes = parseSizes(flags.get("sizes"), [100_000, 1_000_000, 10_000_000]);
  ensureBuild();
  const figures: Figure[] = [];
  for (const size of sizes) {
    const copy = await datasetCopy(size, dialect);
    const app = await startApp({ database: copy, env: { LOG_LEVEL: "error", IM_SDKAPPID: "1400000000" } });
    try {
      const headers = await app.headersFor("admin");
      const base = await baseline(copy.database);
      console.log(
        `${dialect} ${fmt(size)}: baseline ${fmt(base.rows)} rows in ${fmt(base.ms)} ms (${fmt((base.rows / base.ms) * 1000)} rows/s)`,
      );
      // Warm up (load the route's code, let the JIT compile the encoder) on a slice of the rows.
      await download(`${app.url}/api/recalls/export?platform=Web`, headers);
      const pid = app.pid() ?? 0;
      await new Promise((r) => setTimeout(r, 500));
      const rssBefore = treeRssKb(pid);
      let rssPeak = rssBefore;
      const sampler = setInterval(() => {
        rssPeak = Math.max(rssPeak, treeRssKb(pid));
      }, 50);
      const result = await download(`${app.url}/api/recalls/export`, headers);
      clearInterval(sampler);
      rssPeak = Math.max(rssPeak, treeRssKb(pid));
      const db = await app.db();
      const logged = await db.exportLog.findFirst({ where: { exportId: result.exportId, status: { not: "started" } } });
      if (logged?.status !== "completed" || logged.rowCount !== base.rows) {
        throw new Error(`the export log says ${logged?.status} with ${logged?.rowCount} rows; the baseline read ${base.rows} rows`);
      }
      const rate = (base.rows / result.ms) * 1000;
      const growthMb = (rssPeak - rssBefore) / 1024;
      console.log(
        `  export ${fmt(result.bytes / 1024 / 1024)} MB: ${fmt(base.rows)} rows in ${fmt(result.ms)} ms (${fmt(rate)} rows/s), ${(result.ms / base.ms).toFixed(2)}x the baseline's time; server RSS ${fmt(rssBefore / 1024)} MB before, peak +${growthMb.toFixed(1)} MB`,
      );
      const common = { benchmark: "export", database: dialect, size } as const;
      figures.push(
        figure({
          ...common,
          case: "GET /api/recalls/export (all rows)",
          metric: "rows/s",
          unit: "rows/s",
          value: rate,
          baseline: { label: "direct read", value: (base.rows / base.ms) * 1000 },
          target: { of: "value", op: ">=", limit: TARGET_ROWS_PER_S },
        }),
        figure({
          ...common,
          case: "export time vs direct read",
          metric: "time",
          unit: "ms",
          value: result.ms,
          baseline: { label: "direct read", value: base.ms },
          target: { of: "ratio", op: "<=", limit: TARGET_RATIO },
        }),
        figure({
          ...common,
          case: "server RSS growth during export",
          metric: "RSS growth",
          unit: "MB",
          value: growthMb,
          target: { of: "value", op: "<=", limit: TARGET_RSS_MB },
          note: `RSS before ${fmt(rssBefore / 1024)} MB`,
        }),
      );
    } finally {
      await app.stop();
    }
  }
  return { figures };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
