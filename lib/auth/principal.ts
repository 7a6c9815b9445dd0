import type { Role } from "@/lib/auth/roles";

/** Who is asking, once authenticated: a signed-in browser or an API token. */
export type Principal = {
  userId: string;
  email: string;
  name: string;
  /** What this request may do: for a token, the lower of the token's and its owner's role. */
  role: Role;
  /** "session" or "token:<prefix>", as recorded in the access log. */
  via: string;
  sessionId: string | null;
};
