import { expect, it } from "vitest";
import { acquireStreamSlot, openStreamCount, STREAMS_PER_OWNER, TooManyStreamsError } from "./stream-limits";

it("refuses streams past the instance's limit and the owner's, and frees a slot once on release", () => {
  const releases = Array.from({ length: STREAMS_PER_OWNER }, () => acquireStreamSlot("a", { maxClients: 12 }));
  expect(() => acquireStreamSlot("a", { maxClients: 12 })).toThrow(TooManyStreamsError);
  expect(() => acquireStreamSlot("a", { maxClients: 12 })).toThrow(/you already have 10 live streams open/);
  const b1 = acquireStreamSlot("b", { maxClients: 12 });
  const b2 = acquireStreamSlot("b", { maxClients: 12 });
  expect(() => acquireStreamSlot("c", { maxClients: 12 })).toThrow(/already has 12 live streams open/);
  b2();
  b2();
  expect(openStreamCount()).toBe(11);
  acquireStreamSlot("c", { maxClients: 12 })();
  for (const r of [...releases, b1]) r();
  expect(openStreamCount()).toBe(0);
});
