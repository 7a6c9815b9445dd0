// Forwarding mode's part of the recall batch (issue 13): a recall received while IM_FORWARD_URL is
// set carries the backend's copy, and that copy becomes a forward_outbox row in the same
// transaction as the recall itself. A recall answered OK therefore always has its backend copy on
// disk, even if the process dies during the first delivery attempt (lib/im/forward-outbox.ts).
//
// Kept apart from the rest of the batch so that both write paths add exactly one thing: after a
// recall's INSERT returned a new row, insert its copy (nothing for a duplicate: the first delivery's
// row already carries the backend's copy). store.ts runs insertForwardCopies; the SQLite worker
// runs INSERT_FORWARD_COPY_SQL once per new recall.
import { type Db, Prisma } from "@/lib/db/client";

/** The backend's copy of one recall, as its forward_outbox row starts out (attempts 0, no error). */
export type ForwardCopy = {
  /** IM's query string as received, with its "?" (Sign and RequestTime included). */
  search: string;
  /** The callback's body bytes, unchanged. */
  body: Uint8Array;
  contentType: string | null;
  clientAddress: string;
  receivedAtMs: number;
  /**
   * The immediate attempt after commit holds the row until leaseUntilMs (leaseOwner is a token of
   * that one attempt), and the outbox worker only takes rows whose lease has passed, so the two
   * never send the same copy at once. Null/0 when there is no immediate attempt (older recalls
   * wait in the outbox and must not be overtaken): the worker takes the row when it is next.
   */
  leaseOwner: string | null;
  leaseUntilMs: number;
  nextAttemptMs: number;
};

/**
 * The SQLite worker's statement (lib/recalls/sqlite-writer.ts passes it in through workerData: its
 * code is an eval'd string that cannot import this module). Parameters in ForwardCopy's order.
 */
export const INSERT_FORWARD_COPY_SQL =
  "INSERT INTO forward_outbox (search, body, content_type, client_address, received_at_ms, attempts, next_attempt_ms, lease_owner, lease_until_ms) " +
  "VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)";

/**
 * storeRecalls' part (PostgreSQL, and SQLite outside the worker): one multi-row INSERT for the new
 * recalls' copies, in the batch's order, so the outbox's ids follow the order of receipt.
 */
export async function insertForwardCopies(tx: Pick<Db, "$executeRaw">, copies: readonly ForwardCopy[]): Promise<void> {
  if (copies.length === 0) return;
  await tx.$executeRaw`
    INSERT INTO forward_outbox (search, body, content_type, client_address, received_at_ms, attempts, next_attempt_ms, lease_owner, lease_until_ms)
    VALUES ${Prisma.join(
      copies.map(
        (c) => Prisma.sql`(${c.search}, ${new Uint8Array(c.body)}, ${c.contentType}, ${c.clientAddress}, ${BigInt(c.receivedAtMs)}, 0,
                           ${BigInt(c.nextAttemptMs)}, ${c.leaseOwner}, ${BigInt(c.leaseUntilMs)})`,
      ),
      ",",
    )}`;
}
