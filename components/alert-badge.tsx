"use client";
// The header's alert badge: shown while any alert is firing, linking to the firing alerts. Polls the
// summary (two counts) rather than holding a stream open on every page.
import Link from "next/link";
import { useTranslations } from "next-intl";
import useSWR from "swr";
import { fetchJson } from "@/lib/client/api";

const POLL_MS = 5_000;

export function AlertBadge() {
  const t = useTranslations("alerts.badge");
  const { data } = useSWR("/api/alerts/summary", (url: string) => fetchJson<{ firing: number; unacknowledged: number }>(url), {
    refreshInterval: POLL_MS,
  });
  if (!data || data.firing === 0) return null;
  return (
    <Link
      href="/alerts?status=firing"
      title={t("title")}
      data-testid="alert-badge"
      className={`focus-ring rounded-full px-2 py-0.5 text-xs font-semibold text-white ${data.unacknowledged > 0 ? "bg-red-600" : "bg-amber-600"}`}
    >
      {t("firing", { count: data.firing })}
    </Link>
  );
}
