import { visibleText } from "@/components/user-id";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { roleAtLeast } from "@/lib/auth/roles";
import { UserView } from "./user-view";

// Next.js hands the segment over decoded once (see lib/api/path-params.ts): decoding it again would
// show user "%41" as user "A".
export async function generateMetadata({ params }: { params: Promise<{ userId: string }> }) {
  return { title: `${visibleText((await params).userId)} · Recall Monitor` };
}

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Awaiting the search params renders per request with the URL's range and bucket in the first HTML.
  const [{ userId }, query] = await Promise.all([params, searchParams]);
  const who = await requireStaffPage("viewer", pathWithQuery(`/users/${encodeURIComponent(userId)}`, query));
  return <UserView userId={userId} canExport={roleAtLeast(who.role, "auditor")} />;
}
