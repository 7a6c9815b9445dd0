import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { roleAtLeast } from "@/lib/auth/roles";
import { UserView } from "./user-view";

/** Next hands dynamic segments over still percent-encoded for non-ASCII; a bare "%" must survive too. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export async function generateMetadata({ params }: { params: Promise<{ userId: string }> }) {
  return { title: `${decodeSegment((await params).userId)} · Recall Monitor` };
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
  const who = await requireStaffPage("viewer", pathWithQuery(`/users/${userId}`, query));
  return <UserView userId={decodeSegment(userId)} canExport={roleAtLeast(who.role, "auditor")} />;
}
