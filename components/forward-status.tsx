import { useFormatter, useTranslations } from "next-intl";
import { Timestamp } from "@/components/timestamp";
import { useRelativeTime } from "@/lib/i18n/relative-time";
import type { ForwardStatus } from "@/lib/im/forward-status";

/**
 * Why a delivery failed, as the connection reported it (Node's and the backend's own words, also in
 * the server log): quoted as it is, in English, like a code, so an administrator can search for it.
 */
function TechnicalDetail({ text }: { text: string }) {
  return (
    <span lang="en" className="font-mono text-sm">
      {text}
    </span>
  );
}

/** Forwarding mode on the overview: where callbacks go and what waits for the backend. */
export function ForwardStatusPanel({ status, now }: { status: ForwardStatus; now: number }) {
  const { outbox } = status;
  const t = useTranslations("forward");
  const format = useFormatter();
  const age = useRelativeTime();
  return (
    <section
      aria-labelledby="forward-heading"
      data-testid="forward-status"
      className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="forward-heading" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-500 dark:text-slate-400">{t("backend")}</dt>
        <dd className="break-all font-mono">{status.url}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("whenFails")}</dt>
        <dd>{t("failureMode", { ms: status.timeoutMs, mode: status.onFailure })}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("waiting")}</dt>
        <dd data-testid="forward-outbox-length">{format.number(outbox.length)}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("oldest")}</dt>
        <dd data-testid="forward-outbox-oldest">{outbox.oldestReceivedAt ? age(outbox.oldestReceivedAt, now) : t("none")}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("lastError")}</dt>
        <dd data-testid="forward-outbox-error" className="break-words">
          {outbox.lastError
            ? t.rich("errorWithAttempts", { error: () => <TechnicalDetail text={outbox.lastError ?? ""} />, attempts: outbox.headAttempts })
            : t("none")}
        </dd>
      </dl>
    </section>
  );
}

/** Shown to admins while callbacks are being answered by the fallback instead of the backend. */
export function ForwardFallbackWarning({ status }: { status: ForwardStatus }) {
  const t = useTranslations("forward");
  const format = useFormatter();
  if (!status.fallbacks.active) return null;
  return (
    <section
      role="alert"
      aria-labelledby="forward-fallback-heading"
      data-testid="forward-fallback-warning"
      className="rounded-lg border border-red-300 bg-red-50 p-5 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h2 id="forward-fallback-heading" className="text-lg font-semibold">
        {t("fallbackTitle")}
      </h2>
      <p className="mt-2">{t.rich("fallbackBody", { mode: status.onFailure, setting: (chunks) => <code>{chunks}</code> })}</p>
      <ul className="mt-2 list-disc pl-5">
        {status.fallbacks.commands.map((c) => (
          <li key={c.command}>
            <span className="font-mono">{c.command}</span>
            {t.rich("fallbackLine", {
              count: format.number(c.count),
              at: () => <Timestamp value={c.lastAt} />,
              reason: () => <TechnicalDetail text={c.lastReason} />,
            })}
          </li>
        ))}
      </ul>
    </section>
  );
}
