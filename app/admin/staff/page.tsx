import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { listStaff } from "@/lib/auth/staff";
import { getDb } from "@/lib/db/client";
import { StaffAdmin } from "./staff-admin";

export const dynamic = "force-dynamic";
export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staff"))("title") };
}

/** Admins: staff accounts, their roles, and disabling, password resets and ending sessions. */
export default async function StaffPage() {
  const who = await requireStaffPage("admin", "/admin/staff");
  const staff = await listStaff(await getDb());
  const t = await getTranslations("staff");
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <StaffAdmin staff={staff} selfId={who.userId} />
    </div>
  );
}
