import { headers } from "next/headers";
import { ReceiverStatusPanel } from "@/components/receiver-status-panel";
import { SetupNotice } from "@/components/setup-notice";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getReceiverStatus } from "@/lib/receiver-status";
import { OverviewView } from "./overview-view";

export const dynamic = "force-dynamic";

async function callbackUrl(): Promise<string> {
  const h = await headers();
  const proto = h.get("x-forwarded-proto") ?? "http";
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  return `${proto}://${host}/api/im/callback`;
}

export default async function OverviewPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  await requireStaffPage("viewer", pathWithQuery("/", await searchParams));
  const [status, url] = await Promise.all([getReceiverStatus(), callbackUrl()]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      {status.sdkAppIds.length === 0 ? <SetupNotice callbackUrl={url} /> : null}
      <OverviewView />
      <ReceiverStatusPanel status={status} callbackUrl={url} />
    </div>
  );
}
