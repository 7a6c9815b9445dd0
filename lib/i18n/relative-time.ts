// Relative times ("2 minutes ago" / "2分钟前") through next-intl's formatter. Not a client module:
// the overview's forwarding panel renders on the server (with the request's now), the callback
// card in the browser (ticking).
import { useFormatter } from "next-intl";

/** The unit that suits an age: "45 seconds ago", "3 minutes ago", "5 hours ago", "2 days ago". */
export function relativeUnit(seconds: number): "second" | "minute" | "hour" | "day" {
  return seconds < 120 ? "second" : seconds < 7200 ? "minute" : seconds < 48 * 3600 ? "hour" : "day";
}

/** "2 minutes ago" / "2分钟前": how long ago `since` was at `now`, through next-intl's formatter. */
export function useRelativeTime(): (since: Date, now: number) => string {
  const format = useFormatter();
  return (since, now) => format.relativeTime(since, { now, unit: relativeUnit(Math.max(0, (now - since.getTime()) / 1000)) });
}
