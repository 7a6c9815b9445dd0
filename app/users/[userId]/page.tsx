import { visibleText } from "@/components/user-id";
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
  return { title: `${visibleText(decodeSegment((await params).userId))} · Recall Monitor` };
}

export default async function UserPage({
  params,
  searchParams,
}: {
  params: Promise<{ userId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  // Awaiting the search params renders per request with the URL's range and bucket in the first HTML.
  const [{ userId }] = await Promise.all([params, searchParams]);
  return <UserView userId={decodeSegment(userId)} />;
}
