import type { Db } from "@/lib/db/client";

/**
 * Which database a client talks to, for the rare query that must be written differently on each
 * (see lib/users/unread-samples.ts). Read from the client rather than the configuration so that
 * scripts and tests with their own client get the right SQL.
 */
export function dialectOf(db: Db): "sqlite" | "postgresql" {
  // Prisma keeps the generated client's provider here; it is not in the public type.
  const provider = (db as unknown as { _activeProvider?: string })._activeProvider;
  return provider === "postgresql" ? "postgresql" : "sqlite";
}
