// How many live streams may be open at once: per instance (STREAM_MAX_CLIENTS) and per owner.
// Each open stream holds a connection and memory (its unread events) for as long as the dashboard
// stays open, so an unbounded number would let one client (or many) exhaust the instance.
import { ApiError } from "@/lib/api/errors";
import type { Principal } from "@/lib/auth/principal";

/** Streams one owner may hold at once: a few dashboards in a few tabs, with room to reconnect. */
export const STREAMS_PER_OWNER = 10;

/** Who a stream counts against: the signed-in session, or the API token (staff behind one NAT do not share a quota). */
export function streamOwner(principal: Principal): string {
  return principal.sessionId ? `session:${principal.sessionId}` : principal.via;
}

export class TooManyStreamsError extends ApiError {
  override name = "TooManyStreamsError";
  constructor(message: string) {
    super(429, "too_many_requests", message);
  }
}

type Slots = { total: number; byOwner: Map<string, number> };

// On globalThis so that every bundle of this module in the server shares one count.
const holder = globalThis as unknown as { recallMonitorStreamSlots?: Slots };
function slots(): Slots {
  holder.recallMonitorStreamSlots ??= { total: 0, byOwner: new Map() };
  return holder.recallMonitorStreamSlots;
}

/** Takes a stream slot for `owner` or throws TooManyStreamsError (429); returns the release, safe to call twice. */
export function acquireStreamSlot(owner: string, limits: { maxClients: number; perOwner?: number }): () => void {
  const s = slots();
  const perOwner = limits.perOwner ?? STREAMS_PER_OWNER;
  const mine = s.byOwner.get(owner) ?? 0;
  if (s.total >= limits.maxClients) {
    throw new TooManyStreamsError(`this server already has ${limits.maxClients} live streams open; try again later`);
  }
  if (mine >= perOwner) {
    throw new TooManyStreamsError(`you already have ${perOwner} live streams open; close a dashboard tab and try again`);
  }
  s.total++;
  s.byOwner.set(owner, mine + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.total--;
    const left = (s.byOwner.get(owner) ?? 1) - 1;
    if (left > 0) s.byOwner.set(owner, left);
    else s.byOwner.delete(owner);
  };
}

/** Open streams, for tests and health. */
export function openStreamCount(): number {
  return slots().total;
}
