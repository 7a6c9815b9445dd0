import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { listChannels } from "@/lib/alerts/channels";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/db/client";
import { ChannelsAdmin } from "./channels-admin";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("alerts.channels"))("title") };
}

/** Admins: where alerts are sent; Send test; each channel's delivery log. */
export default async function ChannelsPage() {
  await requireStaffPage("admin", "/admin/channels");
  const t = await getTranslations("alerts.channels");
  const channels = await listChannels(await getDb());
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-baseline justify-between gap-3">
        <h1 className="text-2xl font-semibold">{t("title")}</h1>
        <Link href="/admin/alerts" className="focus-ring text-sm underline">
          {t("rulesLink")}
        </Link>
      </div>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t("intro")}</p>
      <ChannelsAdmin channels={channels} />
    </div>
  );
}
