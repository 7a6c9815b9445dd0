// Why a batch write failed decides what the commit queue does next: when the database itself is
// unavailable (locked, unreachable, stalled) every recall of the batch gets 503 and nothing is
// retried; any other failure may come from one recall's data, so the queue retries the batch
// row by row and only the recall that fails on its own is refused.

/** A writer job that did not finish within its deadline (the writer is replaced). */
export class WriteTimeoutError extends Error {
  constructor(ms: number) {
    super(`write did not finish within ${ms} ms`);
  }
}

/** The commit queue holds as many callbacks as it may; answered 503 at once. */
export class QueueFullError extends Error {
  constructor(limit: number) {
    super(`ingest queue is full (${limit} callbacks waiting for a commit)`);
  }
}

/** A failure with the database's own error code when there is one (SQLITE_BUSY, 22021, ...). */
export class WriteError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
  ) {
    super(message);
  }
}

// SQLite result codes (better-sqlite3's SqliteError.code) that say nothing about the rows.
const SQLITE_UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|CANTOPEN|READONLY|IOERR|FULL|PERM|NOTADB|CORRUPT|PROTOCOL|NOMEM|INTERRUPT|ABORT)/;
// PostgreSQL SQLSTATE classes 08 (connection), 53 (resources), 57 (operator intervention, e.g. a
// terminated backend), 58 (system), lock timeouts, serialisation failures, deadlocks, and a
// server that takes no writes (25006: a read-only database or a standby after a failover), and
// 55000 (a database that accepts no connections, ALLOW_CONNECTIONS false: a row cannot cause it).
const POSTGRES_UNAVAILABLE = /^(08|53|57|58|55P03|55000|40001|40P01|25P02|25006)/;
// Prisma's own codes for an unreachable server, a pool timeout and a closed transaction.
const PRISMA_UNAVAILABLE = /^P(1001|1002|1008|1017|2024|2028)$/;
const MESSAGE_UNAVAILABLE =
  /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|socket hang up|Connection terminated|connection is closed|Server has closed the connection|timeout|timed out|database is locked|SQLite writer stopped|not committed within|Transaction already closed|Can't reach database/i;

function codesOf(error: unknown): string[] {
  const codes: string[] = [];
  let e: unknown = error;
  // Prisma wraps the driver's error: look through `cause` and `meta` a few levels deep.
  for (let depth = 0; depth < 4 && typeof e === "object" && e !== null; depth++) {
    const o = e as {
      code?: unknown;
      meta?: { code?: unknown; driverAdapterError?: { cause?: { originalCode?: unknown; code?: unknown } } };
      cause?: unknown;
      originalCode?: unknown;
    };
    const adapter = o.meta?.driverAdapterError?.cause;
    for (const c of [o.code, o.meta?.code, o.originalCode, adapter?.originalCode, adapter?.code]) if (typeof c === "string") codes.push(c);
    e = o.cause;
  }
  // A raw query's failure (P2010), or a failed connection, carries the database's code only in its message.
  const raw = /Code: `([0-9A-Z]{5})`/.exec(error instanceof Error ? error.message : "");
  if (raw?.[1]) codes.push(raw[1]);
  return codes;
}

/** True when `error` says the database could not take any write, rather than this batch's data. */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof WriteTimeoutError || error instanceof QueueFullError) return true;
  for (const code of codesOf(error)) {
    if (SQLITE_UNAVAILABLE.test(code) || POSTGRES_UNAVAILABLE.test(code) || PRISMA_UNAVAILABLE.test(code)) return true;
  }
  return MESSAGE_UNAVAILABLE.test(error instanceof Error ? error.message : String(error));
}
