/**
 * Warns that callbacks are unauthenticated: without IM_CALLBACK_TOKEN anyone who knows the
 * (public) SDKAppID can post recalls. Renders nothing when a token is set. Meant for admins.
 */
import { useTranslations } from "next-intl";

export function CallbackAuthWarning({ tokenSet, allowedCidrs }: { tokenSet: boolean; allowedCidrs: readonly string[] }) {
  const t = useTranslations("setup");
  if (tokenSet) return null;
  const code = (chunks: React.ReactNode) => <code className="font-mono">{chunks}</code>;
  return (
    <section
      role="alert"
      aria-labelledby="callback-auth-heading"
      data-testid="callback-auth-warning"
      className="rounded-lg border border-red-300 bg-red-50 p-5 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h2 id="callback-auth-heading" className="text-lg font-semibold">
        {t("authTitle")}
      </h2>
      <p className="mt-2">
        {t.rich("authBody", { code })} {allowedCidrs.length > 0 ? t("authCidrs", { cidrs: allowedCidrs.join(", ") }) : t("authNoCidrs")}
      </p>
      <p className="mt-2">{t.rich("authFix", { code, em: (chunks) => <em>{chunks}</em> })}</p>
    </section>
  );
}
