import type { Metadata } from "next";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { CallbackAuthWarning } from "@/components/callback-auth-warning";
import { ForwardFallbackWarning, ForwardStatusPanel } from "@/components/forward-status";
import { ReceiverStatusPanel } from "@/components/receiver-status-panel";
import { SetupNotice } from "@/components/setup-notice";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { CLIENT_PROTOCOL_HEADER } from "@/lib/http/client-address";
import { callbackUrlFor } from "@/lib/http/public-url";
import { getForwardStatus } from "@/lib/im/forward-status";
import { getReceiverStatus } from "@/lib/receiver-status";
import { OverviewView } from "./overview-view";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("overview"))("title") };
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const who = await requireStaffPage("viewer", pathWithQuery("/", await searchParams));
  const [status, h, forward, t] = await Promise.all([getReceiverStatus(), headers(), getForwardStatus(), getTranslations("overview")]);
  const url = callbackUrlFor(status.publicUrl, { host: h.get("host"), https: h.get(CLIENT_PROTOCOL_HEADER) === "https" });
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      {status.sdkAppIds.length === 0 ? <SetupNotice callbackUrl={url} /> : null}
      {who.role === "admin" ? <CallbackAuthWarning tokenSet={status.signRequired} allowedCidrs={status.allowedCidrs} /> : null}
      {forward && who.role === "admin" ? <ForwardFallbackWarning status={forward} /> : null}
      <OverviewView />
      <ReceiverStatusPanel status={status} callbackUrl={url} />
      {forward ? <ForwardStatusPanel status={forward} now={Date.now()} /> : null}
    </div>
  );
}
