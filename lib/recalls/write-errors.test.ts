import { describe, expect, it } from "vitest";
import { isUnavailable } from "@/lib/recalls/write-errors";

// What Prisma 7 throws for a failed raw query on PostgreSQL: the database's code only in the text.
const rawQueryError = (code: string, message: string) =>
  Object.assign(
    new Error(`\nInvalid \`prisma.$queryRaw()\` invocation:\n\n\nRaw query failed. Code: \`${code}\`. Message: \`${message}\``),
    {
      code: "P2010",
    },
  );

describe("isUnavailable", () => {
  it("counts a read-only PostgreSQL (25006, a standby after failover) as the database being unavailable", () => {
    expect(isUnavailable(rawQueryError("25006", "cannot execute INSERT in a read-only transaction"))).toBe(true);
    expect(isUnavailable(rawQueryError("57P01", "terminating connection due to administrator command"))).toBe(true);
  });

  it("counts a database that accepts no connections (55000, ALLOW_CONNECTIONS false) as unavailable", () => {
    const error = new Error('Database error. Code: `55000`. Message: `database "x" is not currently accepting connections`');
    expect(isUnavailable(error)).toBe(true);
  });

  it("counts a connection the server closed mid-query (no code at all) as unavailable: IM retries a 503, never a 400", () => {
    // What the outage suite saw when a proxy in front of PostgreSQL was cut.
    expect(isUnavailable(rawQueryError("N/A", "Server has closed the connection."))).toBe(true);
  });

  it("does not count a failure of the rows themselves", () => {
    expect(isUnavailable(rawQueryError("22021", "invalid byte sequence for encoding"))).toBe(false);
    expect(isUnavailable(rawQueryError("23505", "duplicate key value violates unique constraint"))).toBe(false);
  });

  it("reads the code a driver adapter error carries", () => {
    expect(isUnavailable({ code: "P2010", meta: { driverAdapterError: { cause: { originalCode: "25006" } } } })).toBe(true);
  });
});
