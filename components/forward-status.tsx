import type { ForwardStatus } from "@/lib/im/forward-status";

function age(since: Date, now: number): string {
  const seconds = Math.max(0, Math.round((now - since.getTime()) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/** Forwarding mode on the overview: where callbacks go and what waits for the backend. */
export function ForwardStatusPanel({ status, now }: { status: ForwardStatus; now: number }) {
  const { outbox } = status;
  return (
    <section
      aria-labelledby="forward-heading"
      data-testid="forward-status"
      className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="forward-heading" className="text-lg font-semibold">
        Forwarding to your backend
      </h2>
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-500 dark:text-slate-400">Backend</dt>
        <dd className="break-all font-mono">{status.url}</dd>
        <dt className="text-slate-500 dark:text-slate-400">When it fails</dt>
        <dd>
          {`after ${status.timeoutMs} ms or an error, IM gets ${status.onFailure === "allow" ? "OK (messages are delivered)" : "FAIL (messages are rejected)"}`}
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">Recalls waiting for the backend</dt>
        <dd data-testid="forward-outbox-length">{outbox.length.toLocaleString("en-US")}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Oldest waiting</dt>
        <dd data-testid="forward-outbox-oldest">{outbox.oldestReceivedAt ? `${age(outbox.oldestReceivedAt, now)} ago` : "none"}</dd>
        <dt className="text-slate-500 dark:text-slate-400">Last delivery error</dt>
        <dd data-testid="forward-outbox-error" className="break-words">
          {outbox.lastError ? `${outbox.lastError} (${outbox.headAttempts} attempts)` : "none"}
        </dd>
      </dl>
    </section>
  );
}

/** Shown to admins while callbacks are being answered by the fallback instead of the backend. */
export function ForwardFallbackWarning({ status }: { status: ForwardStatus }) {
  if (!status.fallbacks.active) return null;
  return (
    <section
      role="alert"
      aria-labelledby="forward-fallback-heading"
      data-testid="forward-fallback-warning"
      className="rounded-lg border border-red-300 bg-red-50 p-5 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h2 id="forward-fallback-heading" className="text-lg font-semibold">
        Your backend is not answering callbacks
      </h2>
      <p className="mt-2">
        {`IM got Recall Monitor's fallback answer (IM_FORWARD_ON_FAILURE=${status.onFailure}) instead of your backend's in the last few minutes${
          status.onFailure === "allow" ? ", so its moderation was skipped for those messages" : ", so those messages were rejected"
        }. Counts since this instance started:`}
      </p>
      <ul className="mt-2 list-disc pl-5">
        {status.fallbacks.commands.map((c) => (
          <li key={c.command}>
            <span className="font-mono">{c.command}</span>
            {`: ${c.count.toLocaleString("en-US")}, last ${c.lastAt.toISOString().replace("T", " ").slice(0, 19)} UTC: ${c.lastReason}`}
          </li>
        ))}
      </ul>
    </section>
  );
}
