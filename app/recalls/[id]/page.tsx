import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { roleAtLeast } from "@/lib/auth/roles";
import { RecallDetailView } from "./recall-detail-view";

export async function generateMetadata({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> {
  return { title: (await getTranslations("recalls.detail"))("title", { id: (await params).id }) };
}

// The recall is read through /api/recalls/{id}, like every view's data, so that the API's access
// check covers it too.
export default async function RecallPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const who = await requireStaffPage("viewer", `/recalls/${id}`);
  return <RecallDetailView id={id} canReveal={roleAtLeast(who.role, "auditor")} />;
}
