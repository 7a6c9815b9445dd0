// A dashboard query that ran out of its time budget, or found no room to run, is answered 503
// ("try again, or ask for less") rather than 500: it is load or an expensive request, not a bug.
// Prisma rethrows errors from a driver adapter as PrismaClientKnownRequestError carrying the
// original `code`, and PostgreSQL's statement timeout arrives as SQLSTATE 57014 in `meta.code`;
// both are recognised here. So is a database that is locked or unreachable.
import { UnavailableError } from "@/lib/api/errors";
import { isUnavailable } from "@/lib/recalls/write-errors";

const READ_POOL_CODES = ["read_budget_exceeded", "read_queue_full", "read_pool_closed"] as const;
type ReadPoolCode = (typeof READ_POOL_CODES)[number];

/** Thrown by the SQLite read pool (lib/db/sqlite-read-pool.ts). */
export class ReadBudgetError extends Error {
  override name = "ReadBudgetError";
  constructor(
    readonly code: ReadPoolCode,
    message: string,
  ) {
    super(message);
  }
}

const POSTGRES_QUERY_CANCELED = "57014";

/** The 503 to answer for `error`, when it is a query over budget or refused for load. */
export function unavailableFor(error: unknown): UnavailableError | undefined {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, meta, message } = error as { code?: unknown; meta?: { code?: unknown }; message?: unknown };
  if (typeof code === "string" && (READ_POOL_CODES as readonly string[]).includes(code)) {
    // Prisma prefixes the adapter's message with its invocation text; the last line is ours.
    const text = typeof message === "string" ? (message.trim().split("\n").at(-1) ?? "") : "";
    return new UnavailableError(text || "the dashboard is busy; retry shortly");
  }
  if (
    meta?.code === POSTGRES_QUERY_CANCELED ||
    (typeof message === "string" && message.includes("canceling statement due to statement timeout"))
  ) {
    return new UnavailableError("the query took longer than its time budget; narrow the range or filters");
  }
  // The database itself cannot answer now (SQLITE_BUSY past the busy timeout, e.g. the access log's
  // or the export log's write while the receiver's writer holds the lock; PostgreSQL unreachable):
  // the request was fine, so retry later rather than a 500.
  if (isUnavailable(error)) return new UnavailableError("the database is busy or unavailable; retry shortly");
  return undefined;
}
