// Loading, empty and error states, the same on every view. Server or client: useTranslations works
// in both (these components are not async).
import { useLocale, useTranslations } from "next-intl";
import type { ReactNode } from "react";
import { ApiError } from "@/lib/client/api";

const API_ERROR_CODES = new Set([
  "invalid_parameter",
  "not_found",
  "unavailable",
  "internal_error",
  "unauthenticated",
  "forbidden",
  "cross_site",
  "conflict",
  "too_many_requests",
  "rate_limited",
]);

/**
 * The words for an API error. The APIs answer in English with a machine-readable code (they are
 * also read by scripts); English keeps the server's precise message, other languages say what
 * the code means in their own words, naming the parameter when there is one.
 */
export function useErrorText(): (error: unknown) => string {
  const t = useTranslations("apiErrors");
  const locale = useLocale();
  return (error) => {
    const message = error instanceof Error ? error.message : String(error);
    if (locale === "en") return message;
    const code = error && typeof error === "object" && "code" in error && typeof error.code === "string" ? error.code : undefined;
    const parameter = error instanceof ApiError ? error.parameter : undefined;
    if (code === "invalid_parameter" && parameter) return t("invalidParameterNamed", { parameter });
    if (code && API_ERROR_CODES.has(code)) return t(code);
    if (error && typeof error === "object" && "status" in error && typeof error.status === "number")
      return t("http", { status: error.status });
    return t("network");
  };
}

export function LoadingState({ label }: { label?: string }) {
  const t = useTranslations("states");
  return (
    <p role="status" className="flex items-center gap-2 py-6 text-slate-500 dark:text-slate-400">
      <span aria-hidden="true" className="size-3 animate-pulse rounded-full bg-slate-400" />
      {label ?? t("loading")}
    </p>
  );
}

export function EmptyState({ children }: { children: ReactNode }) {
  return <p className="py-6 text-slate-500 dark:text-slate-400">{children}</p>;
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const t = useTranslations("states");
  const message = useErrorText()(error);
  return (
    <div
      role="alert"
      className="my-3 rounded-md border border-red-300 bg-red-50 p-3 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p>
        <span className="font-semibold">{t("couldNotLoad")}</span> {message}
      </p>
      {onRetry ? (
        <button
          type="button"
          onClick={onRetry}
          className="focus-ring mt-2 rounded-md border border-red-400 px-2 py-1 text-sm hover:bg-red-100 dark:hover:bg-red-900"
        >
          {t("retry")}
        </button>
      ) : null}
    </div>
  );
}

export function Panel({ title, id, children, actions }: { title: string; id: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section
      aria-labelledby={id}
      className="min-w-0 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      <div className="mt-3">{children}</div>
    </section>
  );
}
