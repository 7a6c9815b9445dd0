import { requireStaffPage } from "@/lib/auth/page-guard";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { listHolds } from "@/lib/recalls/legal-holds";
import { HoldsAdmin } from "./holds-admin";

export const dynamic = "force-dynamic";
export const metadata = { title: "Legal holds · Recall Monitor" };

/** Admins: users whose recalls retention must keep, placing and lifting holds. */
export default async function HoldsPage() {
  await requireStaffPage("admin", "/admin/holds");
  const holds = await listHolds(await getDb());
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Legal holds</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        {config.retention.days === undefined
          ? "Retention is off (RETENTION_DAYS is unset): every recall is kept. Holds still take effect if retention is turned on."
          : `Retention deletes recalls older than ${config.retention.days} days, except those sent or received by a user on hold.`}
      </p>
      <HoldsAdmin holds={holds} />
    </div>
  );
}
