// Forwarding mode's part of the recall batch (issue 13): a recall received while IM_FORWARD_URL is
// set carries the backend's copy (NewRecall.forward, built by recallForwardCopy in
// lib/im/forward-outbox.ts), and that copy becomes a forward_outbox row in the same transaction as
// the recall itself. A recall answered OK therefore always has its backend copy on disk, even if the
// process dies during the first delivery attempt. Only a new recall adds its copy: a duplicate's
// first delivery already carries it. The insert is part of the ingest write path
// (lib/recalls/ingest-sql.ts: insertForwardCopy on SQLite, the `copies` CTE on PostgreSQL).

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
