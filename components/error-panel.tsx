// What a failed page shows: the error's digest as the id to quote, never its message. In
// production Next.js replaces a server error's text with that digest before it reaches the
// browser, and the server log has the detail (instrumentation.ts); a database error's text names
// tables, paths and SQL, so it is not shown even where it is available.
import { useTranslations } from "next-intl";

export function errorDigest(error: unknown): string | undefined {
  return typeof error === "object" && error !== null && "digest" in error && typeof error.digest === "string" ? error.digest : undefined;
}

export function ErrorPanel({ error, retry }: { error: unknown; retry?: () => void }) {
  const t = useTranslations("errors");
  const digest = errorDigest(error);
  return (
    <section
      role="alert"
      className="rounded-lg border border-red-300 bg-red-50 p-5 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h1 className="text-lg font-semibold">{t("title")}</h1>
      <p className="mt-2">
        {t("body")}{" "}
        <code className="font-mono" data-testid="error-id">
          {digest ?? t("noDigest")}
        </code>
      </p>
      {retry ? (
        <button type="button" onClick={() => retry()} className="focus-ring mt-3 rounded border border-current px-3 py-1">
          {t("tryAgain")}
        </button>
      ) : null}
    </section>
  );
}
