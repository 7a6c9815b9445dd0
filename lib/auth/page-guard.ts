// The one check of every page: anonymous visitors go to /login?next=<the page>, staff whose role
// is too low get the 403 page (app/forbidden.tsx). Every page.tsx calls requireStaffPage (or, for
// /login, currentStaff); tests/integration/route-inventory.test.ts requests every page anonymously
// and fails for any that answers without redirecting, so a page that forgets cannot ship.
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Principal } from "@/lib/auth/principal";
import { type Role, roleAtLeast } from "@/lib/auth/roles";
import { sessionPrincipal } from "@/lib/auth/session";
import { getDb } from "@/lib/db/client";

/** The signed-in member of staff, or null; read once per request however many components ask. */
export const currentStaff = cache(async (): Promise<Principal | null> => {
  // Pages accept the session cookie only, never an API token.
  const h = new Headers(await headers());
  h.delete("authorization");
  return sessionPrincipal(await getDb(), h, "http://localhost/");
});

/** `path`: the page's own path and query (lib/auth/next-path.ts pathWithQuery), to come back to. */
export async function requireStaffPage(minimum: Role, path: string): Promise<Principal> {
  const who = await currentStaff();
  if (!who) redirect(`/login?next=${encodeURIComponent(path)}`);
  if (!roleAtLeast(who.role, minimum)) forbidden();
  return who;
}
