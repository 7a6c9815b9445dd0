import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { ScrollBox } from "@/components/scroll-box";
import { EmptyState } from "@/components/states";
import { Timestamp } from "@/components/timestamp";
import { getChannel } from "@/lib/alerts/channels";
import { idParams } from "@/lib/alerts/contracts";
import { NotFoundError } from "@/lib/api/errors";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getDb } from "@/lib/db/client";
import { ChannelSettings } from "./channel-settings";

export const dynamic = "force-dynamic";
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  const t = await getTranslations("alerts.channels");
  return { title: t("channelTitle", { id: (await params).id }) };
}

/** One channel's delivery log: time, status, response code, error. */
export default async function ChannelPage({ params }: { params: Promise<{ id: string }> }) {
  const raw = await params;
  await requireStaffPage("admin", `/admin/channels/${encodeURIComponent(raw.id)}`);
  const t = await getTranslations("alerts.channels");
  const parsed = idParams.safeParse(raw);
  if (!parsed.success) notFound();
  let channel: Awaited<ReturnType<typeof getChannel>>;
  try {
    channel = await getChannel(await getDb(), parsed.data.id);
  } catch (error) {
    if (error instanceof NotFoundError) notFound();
    throw error;
  }
  return (
    <div className="space-y-6">
      <Link href="/admin/channels" className="focus-ring text-sm underline">
        ← {t("title")}
      </Link>
      <h1 className="text-2xl font-semibold">
        {channel.name}{" "}
        <span className="text-base font-normal text-slate-500 dark:text-slate-400">
          ({t(`kinds.${channel.kind}`)}, <span className="font-mono">{channel.target}</span>)
        </span>
      </h1>
      <ChannelSettings channel={channel} />
      <h2 className="font-semibold">{t("deliveries")}</h2>
      {channel.deliveries.length === 0 ? (
        <EmptyState>{t("noDeliveries")}</EmptyState>
      ) : (
        <ScrollBox label={t("deliveries")}>
          <table className="w-full min-w-[44rem] text-left text-sm" data-testid="delivery-log">
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th className="py-2">{t("at")}</th>
                <th>{t("status")}</th>
                <th>{t("responseCode")}</th>
                <th>{t("notifications")}</th>
                <th>{t("error")}</th>
              </tr>
            </thead>
            <tbody>
              {channel.deliveries.map((d) => (
                <tr key={d.id} className="border-b border-slate-100 align-top dark:border-slate-800">
                  <td className="py-2">
                    <Timestamp value={d.at} />
                  </td>
                  <td>{d.status === "sent" || d.status === "failed" ? t(`deliveryStatus.${d.status}`) : d.status}</td>
                  <td>{d.responseCode ?? "—"}</td>
                  <td>{d.notifications}</td>
                  <td className="font-mono text-xs">{d.error ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </div>
  );
}
