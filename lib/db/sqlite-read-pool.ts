// The dashboard's SQLite reads, off the event loop that answers IM callbacks.
//
// better-sqlite3 is synchronous: on the main thread, every dashboard query (a ranged users list, a
// count) stops the whole process, callbacks included, for as long as it runs. Here a few worker
// threads each hold a read-only connection (WAL lets them read while the ingest writer commits)
// and run the queries; the main thread only waits on a message. The pool is a Prisma driver
// adapter, so the dashboard's code and its answers stay exactly what they were: the parameter and
// result conversions are those of @prisma/adapter-better-sqlite3 (timestampFormat "iso8601").
//
// Every query has a time budget, counted from when it is asked (queue wait included), and the
// queue is bounded: past either, the request is answered 503 at once rather than waiting. A query
// over budget still finishes on its thread (SQLite cannot be interrupted from outside), and its
// thread takes no new work until it has, so slow queries cannot multiply.
//
// The worker's code is a string run with `eval: true`, as the ingest writer's is
// (lib/recalls/sqlite-writer.ts): next build (Turbopack, 16.4) copies a
// `new Worker(new URL("./x.worker.ts", import.meta.url))` entry as an untranspiled .ts asset
// instead of bundling it, which Node 20 cannot run. The string only runs a statement and returns
// its rows; everything typed (conversions, budget, queue) is here.
import { Worker } from "node:worker_threads";
import {
  type ArgType,
  type ColumnType,
  ColumnTypeEnum,
  DriverAdapterError,
  type SqlDriverAdapter,
  type SqlDriverAdapterFactory,
  type SqlQuery,
  type SqlResultSet,
} from "@prisma/driver-adapter-utils";
import { ReadBudgetError } from "@/lib/db/query-budget";

type ReadWorkerData = { file: string; busyTimeoutMs: number };
type ReadJob = { id: number; sql: string; args: unknown[] };
type ReadReply =
  | { id: number; columnNames: string[]; declaredTypes: (string | null)[]; values: unknown[][] }
  | { id: number; error: { code: string; message: string } };
type RawResult = Extract<ReadReply, { values: unknown[][] }>;

// Receives ReadJob, answers ReadReply. Integers come back as bigint (as in the Prisma adapter)
// and are narrowed where safe by mapRow below. Only statements that return rows are run.
const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const Database = require("better-sqlite3");
const db = new Database(workerData.file, { readonly: true, fileMustExist: true, timeout: workerData.busyTimeoutMs });
db.defaultSafeIntegers(true);
// Dashboard SQL has a few dozen shapes; the cap only stops unusual ones from piling up.
const statements = new Map();
function statement(sql) {
  let stmt = statements.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    if (!stmt.reader) throw Object.assign(new Error("the dashboard's read connection only runs queries"), { code: "SQLITE_READONLY" });
    if (statements.size >= 200) statements.clear();
    statements.set(sql, stmt);
  }
  return stmt;
}
parentPort.on("message", (job) => {
  let reply;
  try {
    const stmt = statement(job.sql);
    const columns = stmt.columns();
    reply = { id: job.id, columnNames: columns.map((c) => c.name), declaredTypes: columns.map((c) => c.type),
      values: stmt.raw(true).all(...job.args) };
  } catch (error) {
    reply = { id: job.id, error: { code: typeof error.code === "string" ? error.code : "", message: String(error.message ?? error) } };
  }
  parentPort.postMessage(reply);
});
`;

export type SqliteReadPoolOptions = {
  file: string;
  /** Worker threads, each with its own read-only connection. */
  size: number;
  /** How long a query may take, queue wait included, before it is answered 503. */
  budgetMs: number;
  /** Queries waiting for a thread beyond this are answered 503 at once. */
  maxQueued: number;
  busyTimeoutMs: number;
};

type Pending = {
  job: ReadJob;
  resolve(result: RawResult): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
  settled: boolean;
};
type Slot = { worker: Worker; running: Pending | undefined };

export class SqliteReadPool {
  private slots: (Slot | undefined)[];
  private queue: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(private readonly options: SqliteReadPoolOptions) {
    this.slots = Array.from({ length: options.size }, () => undefined);
  }

  /** Rows of one statement, as arrays in SELECT order with the columns' declared types. */
  run(sql: string, args: unknown[]): Promise<RawResult> {
    if (this.closed) return Promise.reject(new ReadBudgetError("read_pool_closed", "the database connection is closed"));
    if (this.queue.length >= this.options.maxQueued) {
      return Promise.reject(new ReadBudgetError("read_queue_full", "the dashboard is busy: too many queries are waiting; retry shortly"));
    }
    return new Promise<RawResult>((resolve, reject) => {
      const pending: Pending = {
        job: { id: this.nextId++, sql, args },
        resolve,
        reject,
        settled: false,
        timer: setTimeout(() => {
          this.settle(pending, () =>
            reject(
              new ReadBudgetError(
                "read_budget_exceeded",
                `the query took longer than its ${this.options.budgetMs} ms budget; narrow the range or filters`,
              ),
            ),
          );
          const queued = this.queue.indexOf(pending);
          if (queued >= 0) this.queue.splice(queued, 1);
        }, this.options.budgetMs),
      };
      pending.timer.unref?.();
      this.queue.push(pending);
      this.dispatch();
    });
  }

  /** Threads running a query and queries waiting for one, for /api/metrics. */
  use(): { busy: number; queued: number } {
    return { busy: this.slots.filter((s) => s?.running).length, queued: this.queue.length };
  }

  /** Stops the threads; queries asked after this are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0))
      this.settle(p, () => p.reject(new ReadBudgetError("read_pool_closed", "the database connection is closed")));
    await Promise.all(this.slots.map((s) => s?.worker.terminate()));
    this.slots = this.slots.map(() => undefined);
  }

  private settle(p: Pending, done: () => void) {
    if (p.settled) return;
    p.settled = true;
    clearTimeout(p.timer);
    done();
  }

  private dispatch() {
    for (let i = 0; i < this.slots.length && this.queue.length > 0; i++) {
      let slot = this.slots[i];
      if (slot?.running) continue;
      slot ??= this.start(i);
      const next = this.queue.shift();
      if (!next) return;
      slot.running = next;
      slot.worker.ref();
      slot.worker.postMessage(next.job);
    }
  }

  private start(index: number): Slot {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { file: this.options.file, busyTimeoutMs: this.options.busyTimeoutMs } satisfies ReadWorkerData,
    });
    const slot: Slot = { worker, running: undefined };
    worker.on("message", (reply: ReadReply) => {
      const p = slot.running;
      slot.running = undefined;
      worker.unref();
      if (p && p.job.id === reply.id) {
        if ("error" in reply) this.settle(p, () => p.reject(driverError(reply.error)));
        else this.settle(p, () => p.resolve(reply));
      }
      this.dispatch();
    });
    // A thread that failed to open the database (or died) is replaced on the next query.
    const retire = (error: Error) => {
      if (this.slots[index] === slot) this.slots[index] = undefined;
      const p = slot.running;
      slot.running = undefined;
      if (p) this.settle(p, () => p.reject(error));
      if (!this.closed) this.dispatch();
    };
    worker.on("error", retire);
    worker.on("exit", (code) => retire(new Error(`SQLite reader stopped (exit code ${code})`)));
    worker.unref();
    this.slots[index] = slot;
    return slot;
  }
}

// ---- Prisma driver adapter over the pool ----------------------------------------------------
// The conversions below are those of @prisma/adapter-better-sqlite3 7.10.0 (src/conversion.ts),
// which does not export them; the same integration tests run every dashboard API through both.

function driverError(e: { code: string; message: string }): Error {
  if (e.code.startsWith("SQLITE_BUSY"))
    return new DriverAdapterError({ kind: "SocketTimeout", originalCode: e.code, originalMessage: e.message });
  return new DriverAdapterError({ kind: "sqlite", extendedCode: 1, message: e.message, originalCode: e.code, originalMessage: e.message });
}

function mapArg(arg: unknown, argType: ArgType | undefined): unknown {
  if (arg === null || arg === undefined) return null;
  const scalar = argType?.scalarType;
  if (typeof arg === "string" && scalar === "int") return Number.parseInt(arg, 10);
  if (typeof arg === "string" && (scalar === "float" || scalar === "decimal")) return Number.parseFloat(arg);
  if (typeof arg === "string" && scalar === "bigint") return BigInt(arg);
  if (typeof arg === "boolean") return arg ? 1 : 0;
  const value = typeof arg === "string" && scalar === "datetime" ? new Date(arg) : arg;
  if (value instanceof Date) return value.toISOString().replace("Z", "+00:00");
  if (typeof value === "string" && scalar === "bytes") return Buffer.from(value, "base64");
  return value;
}

const DECLARED: Record<string, ColumnType> = {
  DECIMAL: ColumnTypeEnum.Numeric,
  FLOAT: ColumnTypeEnum.Float,
  DOUBLE: ColumnTypeEnum.Double,
  "DOUBLE PRECISION": ColumnTypeEnum.Double,
  NUMERIC: ColumnTypeEnum.Double,
  REAL: ColumnTypeEnum.Double,
  TINYINT: ColumnTypeEnum.Int32,
  SMALLINT: ColumnTypeEnum.Int32,
  MEDIUMINT: ColumnTypeEnum.Int32,
  INT: ColumnTypeEnum.Int32,
  INTEGER: ColumnTypeEnum.Int32,
  SERIAL: ColumnTypeEnum.Int32,
  INT2: ColumnTypeEnum.Int32,
  BIGINT: ColumnTypeEnum.Int64,
  "UNSIGNED BIG INT": ColumnTypeEnum.Int64,
  INT8: ColumnTypeEnum.Int64,
  DATETIME: ColumnTypeEnum.DateTime,
  TIMESTAMP: ColumnTypeEnum.DateTime,
  TIME: ColumnTypeEnum.Time,
  DATE: ColumnTypeEnum.Date,
  TEXT: ColumnTypeEnum.Text,
  CLOB: ColumnTypeEnum.Text,
  CHARACTER: ColumnTypeEnum.Text,
  VARCHAR: ColumnTypeEnum.Text,
  "VARYING CHARACTER": ColumnTypeEnum.Text,
  NCHAR: ColumnTypeEnum.Text,
  "NATIVE CHARACTER": ColumnTypeEnum.Text,
  NVARCHAR: ColumnTypeEnum.Text,
  BLOB: ColumnTypeEnum.Bytes,
  BOOLEAN: ColumnTypeEnum.Boolean,
  JSONB: ColumnTypeEnum.Json,
};

function inferColumnType(value: unknown): ColumnType {
  switch (typeof value) {
    case "string":
      return ColumnTypeEnum.Text;
    case "bigint":
      return ColumnTypeEnum.Int64;
    case "boolean":
      return ColumnTypeEnum.Boolean;
    case "number":
      return ColumnTypeEnum.UnknownNumber;
    default:
      if (value instanceof ArrayBuffer || value instanceof Uint8Array) return ColumnTypeEnum.Bytes;
      throw new TypeError(`unexpected value of type ${typeof value} from SQLite`);
  }
}

/** Declared types where there are any; otherwise the first non-null value's type (Int32 if none). */
function columnTypes(declared: (string | null)[], rows: unknown[][]): ColumnType[] {
  return declared.map((type, i) => {
    const mapped = type ? DECLARED[type.toUpperCase()] : undefined;
    if (mapped !== undefined) return mapped;
    for (const row of rows) if (row[i] !== null) return inferColumnType(row[i]);
    return ColumnTypeEnum.Int32;
  });
}

function mapRow(row: unknown[], types: ColumnType[]): unknown[] {
  return row.map((value, i) => {
    const type = types[i];
    if (typeof value === "number" && (type === ColumnTypeEnum.Int32 || type === ColumnTypeEnum.Int64) && !Number.isInteger(value)) {
      return Math.trunc(value);
    }
    if ((typeof value === "number" || typeof value === "bigint") && type === ColumnTypeEnum.DateTime)
      return new Date(Number(value)).toISOString();
    if (typeof value === "bigint") {
      const n = Number(value);
      return Number.isSafeInteger(n) ? n : value.toString();
    }
    // Structured cloning turns a Buffer into a plain Uint8Array; Prisma expects the bytes as is.
    return value;
  });
}

const ADAPTER_NAME = "recall-monitor-sqlite-read-pool";

class SqliteReadAdapter implements SqlDriverAdapter {
  readonly provider = "sqlite" as const;
  readonly adapterName = ADAPTER_NAME;
  constructor(private readonly pool: SqliteReadPool) {}

  async queryRaw(query: SqlQuery): Promise<SqlResultSet> {
    const raw = await this.pool.run(
      query.sql,
      query.args.map((arg, i) => mapArg(arg, query.argTypes[i])),
    );
    const types = columnTypes(raw.declaredTypes, raw.values);
    return { columnNames: raw.columnNames, columnTypes: types, rows: raw.values.map((row) => mapRow(row, types)) };
  }

  executeRaw(): Promise<number> {
    return Promise.reject(readOnly());
  }
  executeScript(): Promise<void> {
    return Promise.reject(readOnly());
  }
  startTransaction(): never {
    throw readOnly();
  }
  dispose(): Promise<void> {
    return this.pool.close();
  }
}

const readOnly = () => new Error("the dashboard's SQLite reader is read-only: write through getDb()");

/** A Prisma adapter factory whose queries run on `pool`'s worker threads. */
export function sqliteReadPoolAdapter(pool: SqliteReadPool): SqlDriverAdapterFactory {
  return { provider: "sqlite", adapterName: ADAPTER_NAME, connect: async () => new SqliteReadAdapter(pool) };
}
