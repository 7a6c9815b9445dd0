import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { UsersView } from "./users-view";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("users"))("title") };
}

export default async function UsersPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  // Awaiting the search params renders the page per request, so its first HTML already carries the
  // URL's search, sort and range; the client view reads and writes them through nuqs.
  await requireStaffPage("viewer", pathWithQuery("/users", await searchParams));
  return <UsersView />;
}
