// Who is asking an API: a Bearer token when the request carries one (scripts), else the session
// cookie (the dashboard). Pages never accept tokens: they use sessionPrincipal only.
import { tokenPrincipal } from "@/lib/auth/api-tokens";
import type { Principal } from "@/lib/auth/principal";
import { sessionPrincipal } from "@/lib/auth/session";
import type { Db } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

/** `touch: false`: a session's check does not count as activity (see sessionPrincipal). */
export async function authenticate(db: Db, request: Request, options: { touch?: boolean } = {}): Promise<Principal | null> {
  const authorization = request.headers.get("authorization");
  if (authorization !== null) {
    // A malformed or unknown token is a 401 even with a valid cookie beside it: a script should
    // learn that its token is wrong rather than silently act as someone's browser.
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ? tokenPrincipal(db, match[1], clientAddress(request)) : null;
  }
  return sessionPrincipal(db, request.headers, request.url, options);
}
