// The live stream's event ids (what EventSource sends back as Last-Event-ID). Client-safe: the
// query schema parses them too.
//
// An event id names a position in commit order, so that a stream resumed from it misses nothing
// and repeats nothing even when several writers commit out of id order (lib/recalls/stream.ts):
// - on PostgreSQL `<commit_seq>-<id>`: the writing transaction's id, then the recall id;
// - on SQLite `<id>`: one writer at a time, so id order is commit order.
// A bare recall id is also accepted on PostgreSQL (a client connected before the upgrade).

/** Where a client asks to resume: after the recall `id`, and in commit order after `seq` when it is known. */
export type ResumePoint = { id: number; seq?: bigint };

const BARE_ID = /^\d{1,15}$/;
const POSITION = /^(\d{1,20})-(\d{1,15})$/;

/** Parses an event id; undefined when it is not one this stream sends. */
export function parseEventId(text: string): ResumePoint | undefined {
  if (BARE_ID.test(text)) return { id: Number(text) };
  const match = POSITION.exec(text);
  if (!match?.[1] || !match[2]) return undefined;
  return { seq: BigInt(match[1]), id: Number(match[2]) };
}

export const EVENT_ID_EXPECTED = "expected an event id sent by this stream";
