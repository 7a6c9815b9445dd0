import { config } from "@/lib/config";
import { getReadDb } from "@/lib/db/client";
import { outboxStatus } from "@/lib/im/forward-outbox";
import { forwardFallbacks } from "@/lib/im/forward-stats";

/** What the overview shows about forwarding mode; null when IM_FORWARD_URL is not set. */
export async function getForwardStatus() {
  const forward = config.im.forward;
  if (!forward) return null;
  const target = new URL(forward.url);
  return {
    // Never credentials from the URL on a page.
    url: `${target.origin}${target.pathname}`,
    timeoutMs: forward.timeoutMs,
    onFailure: forward.onFailure,
    outbox: await outboxStatus(await getReadDb()),
    fallbacks: forwardFallbacks(),
  };
}

export type ForwardStatus = NonNullable<Awaited<ReturnType<typeof getForwardStatus>>>;
