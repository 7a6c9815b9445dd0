import type { Metadata } from "next";
import { headers } from "next/headers";
import { getTranslations } from "next-intl/server";
import { visibleText } from "@/components/user-id";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { roleAtLeast } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { REQUEST_PATH_HEADER, segmentAfter } from "@/lib/http/request-path";
import { UserView } from "./user-view";

// The user ID from the raw request path, decoded once (lib/http/request-path.ts): `params` is
// decoded on a full load but not on a client-side navigation.
async function userIdOf(params: Promise<{ userId: string }>): Promise<string> {
  return segmentAfter((await headers()).get(REQUEST_PATH_HEADER), "/users/") ?? (await params).userId;
}

export async function generateMetadata({ params }: { params: Promise<{ userId: string }> }): Promise<Metadata> {
  return { title: (await getTranslations("user"))("pageTitle", { user: visibleText(await userIdOf(params)) }) };
}

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Awaiting the search params renders per request with the URL's range and bucket in the first HTML.
  const [userId, query] = await Promise.all([userIdOf(params), searchParams]);
  const who = await requireStaffPage("viewer", pathWithQuery(`/users/${encodeURIComponent(userId)}`, query));
  const auditor = roleAtLeast(who.role, "auditor");
  return <UserView userId={userId} canExport={auditor} canReveal={auditor} offerContent={auditor && config.messages.keys.length > 0} />;
}
