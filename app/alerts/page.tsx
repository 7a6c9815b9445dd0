import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { alertListQuery } from "@/lib/alerts/contracts";
import { listAlerts } from "@/lib/alerts/lifecycle";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getReadDb } from "@/lib/db/client";
import { AlertsView } from "./alerts-view";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("alerts.history"))("title") };
}

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

/** Alert history with filters in the URL; staff acknowledge firing alerts here. */
export default async function AlertsPage({ searchParams }: { searchParams: SearchParams }) {
  await requireStaffPage("viewer", "/alerts");
  const t = await getTranslations("alerts.history");
  const raw = await searchParams;
  const single = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
  const parsed = alertListQuery.safeParse({ status: single(raw.status), kind: single(raw.kind), ruleId: single(raw.ruleId) });
  const filters = parsed.success ? parsed.data : alertListQuery.parse({});
  const id = Number(single(raw.id));
  const alerts = await listAlerts(await getReadDb(), { ...filters, ...(Number.isInteger(id) && id > 0 ? { id } : {}) });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">{t.rich("intro", { path: (chunks) => <code>{chunks}</code> })}</p>
      <AlertsView alerts={alerts} filters={{ status: filters.status ?? "", kind: filters.kind ?? "" }} />
    </div>
  );
}
