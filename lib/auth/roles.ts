// Staff roles, lowest first: each includes everything the ones before it may do. Client-safe.
import { z } from "zod";

export const ROLES = ["viewer", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const roleSchema = z.enum(ROLES, { error: "expected viewer, auditor or admin" });

export const ROLE_TEXT: Record<Role, string> = {
  viewer: "Viewer: dashboard pages and JSON APIs",
  auditor: "Auditor: also CSV export, the export log and the access log",
  admin: "Admin: also manages staff accounts",
};

const rank = (role: Role) => ROLES.indexOf(role);

export function roleAtLeast(role: Role, minimum: Role): boolean {
  return rank(role) >= rank(minimum);
}

export function lowerRole(a: Role, b: Role): Role {
  return rank(a) <= rank(b) ? a : b;
}

/** A stored role string; anything unknown counts as the lowest role rather than failing open. */
export function asRole(value: string | null | undefined): Role {
  const parsed = roleSchema.safeParse(value);
  return parsed.success ? parsed.data : "viewer";
}
