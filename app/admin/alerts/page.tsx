import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { listChannels } from "@/lib/alerts/channels";
import { listRules } from "@/lib/alerts/rules";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { RulesAdmin } from "./rules-admin";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("alerts.rules"))("title") };
}

/** Admins: alert rules, with a 7-day preview before saving. */
export default async function AlertRulesPage() {
  await requireStaffPage("admin", "/admin/alerts");
  const t = await getTranslations("alerts.rules");
  const db = await getDb();
  const [rules, channels] = await Promise.all([listRules(db), listChannels(db)]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <Link href="/admin/channels" className="focus-ring text-sm underline">
          {t("channelsLink")}
        </Link>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {t("intro", { seconds: Math.round(config.alerts.evaluateMs / 100) / 10 })}
      </p>
      {channels.length === 0 ? <p className="text-sm text-amber-700 dark:text-amber-400">{t("noChannels")}</p> : null}
      <RulesAdmin rules={rules} channels={channels.map((c) => ({ id: c.id, name: c.name }))} />
    </div>
  );
}
