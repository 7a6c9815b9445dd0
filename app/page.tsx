import { headers } from "next/headers";
import { ReceiverStatusPanel } from "@/components/receiver-status-panel";
import { SetupNotice } from "@/components/setup-notice";
import { getReceiverStatus } from "@/lib/receiver-status";

export const dynamic = "force-dynamic";

async function callbackUrl(): Promise<string> {
  const h = await headers();
  const proto = h.get("x-forwarded-proto") ?? "http";
  const host = h.get("x-forwarded-host") ?? h.get("host") ?? "localhost:3000";
  return `${proto}://${host}/api/im/callback`;
}

export default async function OverviewPage() {
  const [status, url] = await Promise.all([getReceiverStatus(), callbackUrl()]);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Overview</h1>
      {status.sdkAppIds.length === 0 ? <SetupNotice callbackUrl={url} /> : null}
      <ReceiverStatusPanel status={status} callbackUrl={url} />
    </div>
  );
}
