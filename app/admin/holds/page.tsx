import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { listHolds } from "@/lib/recalls/legal-holds";
import { HoldsAdmin } from "./holds-admin";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("holds"))("title") };
}

/** Admins: users whose recalls retention must keep, placing and lifting holds. */
export default async function HoldsPage() {
  await requireStaffPage("admin", "/admin/holds");
  const holds = await listHolds(await getDb());
  const t = await getTranslations("holds");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {config.retention.days === undefined ? t("retentionOff") : t("retentionOn", { days: config.retention.days })}
      </p>
      <HoldsAdmin holds={holds} />
    </div>
  );
}
