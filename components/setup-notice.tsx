import { useTranslations } from "next-intl";
import { CallbackUrl } from "@/components/callback-url";
import type { ShownUrl } from "@/lib/http/public-url";

/** Shown until IM_SDKAPPID is set: callbacks are refused until then. */
export function SetupNotice({ callbackUrl }: { callbackUrl: ShownUrl }) {
  const t = useTranslations("setup");
  const code = (chunks: React.ReactNode) => <code className="font-mono">{chunks}</code>;
  const em = (chunks: React.ReactNode) => <em>{chunks}</em>;
  return (
    <section
      aria-labelledby="setup-heading"
      className="rounded-lg border border-amber-300 bg-amber-50 p-5 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <h2 id="setup-heading" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <p className="mt-2">{t.rich("refused", { code })}</p>
      <ol className="mt-3 list-decimal space-y-1 pl-6">
        <li>
          {t.rich("step1", { em })}{" "}
          <CallbackUrl
            value={callbackUrl}
            testId="callback-url"
            className="break-all rounded bg-amber-100 px-1 font-mono dark:bg-amber-900"
          />
        </li>
        <li>{t.rich("step2", { em })}</li>
        <li>{t.rich("step3", { code })}</li>
      </ol>
    </section>
  );
}
