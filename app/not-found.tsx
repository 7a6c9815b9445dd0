import Link from "next/link";
import { useTranslations } from "next-intl";

export default function NotFound() {
  const t = useTranslations("errors");
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
      <title>{t("notFoundTitle")}</title>
      <h1 className="text-lg font-semibold">{t("notFoundTitle")}</h1>
      <p className="mt-2">
        {t.rich("notFoundBody", {
          link: (chunks) => (
            <Link href="/" className="focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
              {chunks}
            </Link>
          ),
        })}
      </p>
    </section>
  );
}
