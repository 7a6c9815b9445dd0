// Failed sign-ins are limited per account and per client address: after 5 failures within 15
// minutes, further attempts are refused until the oldest of those 5 is 15 minutes old. Counted
// from the access log (every failure is recorded there anyway), so the limit holds across
// instances and restarts without a table of its own.
import type { Db } from "@/lib/db/client";

export const SIGN_IN_MAX_FAILURES = 5;
export const SIGN_IN_WINDOW_MINUTES = 15;
const WINDOW_MS = SIGN_IN_WINDOW_MINUTES * 60_000;

export type SignInRefusal = { scope: "account" | "address"; retryAt: Date };

async function retryAtFor(db: Db, where: { subjectEmail: string } | { address: string }, now: Date): Promise<Date | null> {
  const failures = await db.accessLog.findMany({
    where: { ...where, action: "sign_in_failed", at: { gt: new Date(now.getTime() - WINDOW_MS) } },
    orderBy: { at: "desc" },
    take: SIGN_IN_MAX_FAILURES,
    select: { at: true },
  });
  const oldest = failures.at(-1);
  return failures.length >= SIGN_IN_MAX_FAILURES && oldest ? new Date(oldest.at.getTime() + WINDOW_MS) : null;
}

/** Whether a sign-in for `email` from `address` must be refused now, and until when. */
export async function signInRefusal(db: Db, email: string, address: string, now = new Date()): Promise<SignInRefusal | null> {
  const [account, fromAddress] = await Promise.all([retryAtFor(db, { subjectEmail: email }, now), retryAtFor(db, { address }, now)]);
  // When both are limited, the later retry time is the one that matters.
  if (account && (!fromAddress || account.getTime() >= fromAddress.getTime())) return { scope: "account", retryAt: account };
  return fromAddress ? { scope: "address", retryAt: fromAddress } : null;
}

export function refusalMessage(refusal: SignInRefusal, now = new Date()): string {
  const minutes = Math.max(1, Math.ceil((refusal.retryAt.getTime() - now.getTime()) / 60_000));
  const at = refusal.retryAt.toISOString().slice(11, 16);
  const who = refusal.scope === "account" ? "this account" : "your network address";
  return `Too many failed sign-ins for ${who} (${SIGN_IN_MAX_FAILURES} in ${SIGN_IN_WINDOW_MINUTES} minutes). Try again at ${at} UTC (in ${minutes} minute${minutes === 1 ? "" : "s"}).`;
}
