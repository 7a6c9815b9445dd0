import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { roleAtLeast } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { RecallsView } from "./recalls-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("recalls"))("title") };
}

export default async function RecallsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Awaiting the search params renders the page per request, so its first HTML already carries the
  // URL's filters; the client view reads and writes them through nuqs under the API's names.
  const who = await requireStaffPage("viewer", pathWithQuery("/recalls", await searchParams));
  const auditor = roleAtLeast(who.role, "auditor");
  return <RecallsView canExport={auditor} offerContent={auditor && config.messages.keys.length > 0} />;
}
