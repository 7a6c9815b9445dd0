import Link from "next/link";
import { useTranslations } from "next-intl";

/** Rendered with HTTP 403 when a signed-in member of staff opens a page above their role. */
export default function Forbidden() {
  const t = useTranslations("errors");
  return (
    <div className="space-y-3 py-8">
      <title>{t("forbiddenTitle")}</title>
      <h1 className="text-2xl font-semibold">{t("forbiddenTitle")}</h1>
      <p>{t("forbiddenBody")}</p>
      <Link href="/" className="underline">
        {t("backToOverview")}
      </Link>
    </div>
  );
}
