// Staff accounts: creating them (the first admin from the shell, the rest on /admin/staff), roles,
// disabling, password resets and ending sessions. Every change is written to the access log.
// Password hashing is better-auth's own (scrypt), so better-auth verifies these at sign-in.
import { randomBytes } from "node:crypto";
import { hashPassword } from "better-auth/crypto";
import { z } from "zod";
import { ApiError, ConflictError, NotFoundError } from "@/lib/api/errors";
import { type Actor, appendAccessLog } from "@/lib/audit/access-log";
import { passwordProblem } from "@/lib/auth/password-policy";
import { asRole, type Role, roleSchema } from "@/lib/auth/roles";
import type { Db } from "@/lib/db/client";
import { dialectOf } from "@/lib/db/dialect";

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "expected an email address, e.g. ana@example.com" }).max(254, { error: "expected at most 254 characters" }));

export const newStaffSchema = z.object({
  email: emailSchema,
  name: z.string().trim().max(100, { error: "expected at most 100 characters" }).optional(),
  role: roleSchema,
  password: z.string(),
});
export type NewStaff = z.input<typeof newStaffSchema>;

/** Who made a change and from where; `actor` null means the command line on the server. */
export type ChangeContext = { actor: Actor | null; address: string };

export class PasswordRefusedError extends ApiError {
  override name = "PasswordRefusedError";
  constructor(message: string) {
    super(400, "invalid_parameter", message, "password");
  }
}

function checkPassword(password: string): void {
  const problem = passwordProblem(password);
  if (problem) throw new PasswordRefusedError(problem);
}

const newId = () => randomBytes(16).toString("hex");

export type StaffMember = { id: string; email: string; name: string; role: Role };

export async function createStaff(db: Db, input: NewStaff, by: ChangeContext): Promise<StaffMember> {
  const data = newStaffSchema.parse(input);
  checkPassword(data.password);
  if (await db.staff.findUnique({ where: { email: data.email }, select: { id: true } })) {
    throw new ConflictError(`A staff account for ${data.email} already exists`);
  }
  const now = new Date();
  const id = newId();
  const name = data.name || data.email.split("@")[0] || data.email;
  const hash = await hashPassword(data.password);
  await db.$transaction([
    db.staff.create({
      data: { id, email: data.email, name, emailVerified: true, role: data.role, banned: false, createdAt: now, updatedAt: now },
    }),
    db.staffAccount.create({
      data: { id: newId(), accountId: id, providerId: "credential", userId: id, password: hash, createdAt: now, updatedAt: now },
    }),
  ]);
  await log(db, by, "staff_created", { id, email: data.email }, { role: data.role });
  return { id, email: data.email, name, role: data.role };
}

export async function countStaff(db: Db): Promise<number> {
  return db.staff.count();
}

export type StaffListItem = StaffMember & { disabled: boolean; createdAt: string; activeSessions: number };

export async function listStaff(db: Db): Promise<StaffListItem[]> {
  const now = new Date();
  const rows = await db.staff.findMany({
    orderBy: { email: "asc" },
    include: { _count: { select: { sessions: { where: { expiresAt: { gt: now } } } } } },
  });
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    name: r.name,
    role: asRole(r.role),
    disabled: r.banned === true,
    createdAt: r.createdAt.toISOString(),
    activeSessions: r._count.sessions,
  }));
}

async function findStaff(db: StaffTable, id: string) {
  const row = await db.staff.findUnique({ where: { id } });
  if (!row) throw new NotFoundError("No such staff account");
  return row;
}

const isActiveAdmin = (row: { role: string; banned: boolean | null }) => row.role === "admin" && row.banned !== true;

type StaffTable = Pick<Db, "staff">;

/**
 * Runs `change` to the target only if an active admin remains afterwards (nobody could manage staff
 * otherwise). Check and change are one transaction, and on PostgreSQL the admins' rows are locked
 * first, so two admins demoting each other at the same moment cannot both succeed. (SQLite runs one
 * write transaction at a time.)
 */
async function keepingAnAdmin(db: Db, id: string, what: string, change: (tx: StaffTable) => Promise<void>) {
  await db.$transaction(async (tx) => {
    if (dialectOf(db) === "postgresql") await tx.$queryRaw`SELECT id FROM staff_users WHERE role = 'admin' FOR UPDATE`;
    const target = await findStaff(tx, id);
    if (isActiveAdmin(target)) {
      const others = await tx.staff.count({ where: { role: "admin", NOT: [{ banned: true }, { id: target.id }] } });
      if (others === 0)
        throw new ConflictError(`${target.email} is the last active admin and cannot be ${what}: make someone else an admin first`);
    }
    await change(tx);
  });
}

export async function changeRole(db: Db, id: string, role: Role, by: ChangeContext): Promise<void> {
  const target = await findStaff(db, id);
  if (target.role === role) return;
  const update = (tx: StaffTable) => tx.staff.update({ where: { id }, data: { role, updatedAt: new Date() } }).then(() => {});
  if (role === "admin") await update(db);
  else await keepingAnAdmin(db, id, "demoted", update);
  await log(db, by, "role_changed", target, { from: target.role, to: role });
}

export async function setDisabled(db: Db, id: string, disabled: boolean, by: ChangeContext): Promise<void> {
  const target = await findStaff(db, id);
  if ((target.banned === true) === disabled) return;
  const update = (tx: StaffTable) =>
    tx.staff
      .update({ where: { id }, data: { banned: disabled, banReason: disabled ? "disabled by an admin" : null, updatedAt: new Date() } })
      .then(() => {});
  if (disabled) await keepingAnAdmin(db, id, "disabled", update);
  else await update(db);
  // A disabled account's open sessions end now; its tokens stop working because every check
  // reads the owner's state.
  if (disabled) await db.staffSession.deleteMany({ where: { userId: id } });
  await log(db, by, disabled ? "staff_disabled" : "staff_enabled", target, null);
}

export async function resetPassword(db: Db, id: string, password: string, by: ChangeContext): Promise<void> {
  const target = await findStaff(db, id);
  checkPassword(password);
  const hash = await hashPassword(password);
  const updated = await db.staffAccount.updateMany({
    where: { userId: id, providerId: "credential" },
    data: { password: hash, updatedAt: new Date() },
  });
  if (updated.count === 0) {
    const now = new Date();
    await db.staffAccount.create({
      data: { id: newId(), accountId: id, providerId: "credential", userId: id, password: hash, createdAt: now, updatedAt: now },
    });
  }
  await db.staffSession.deleteMany({ where: { userId: id } });
  await log(db, by, "password_reset", target, null);
}

export async function endSessions(db: Db, id: string, by: ChangeContext): Promise<number> {
  const target = await findStaff(db, id);
  const ended = await db.staffSession.deleteMany({ where: { userId: id } });
  await log(db, by, "sessions_ended", target, { sessions: ended.count });
  return ended.count;
}

async function log(
  db: Db,
  by: ChangeContext,
  action: "staff_created" | "role_changed" | "staff_disabled" | "staff_enabled" | "password_reset" | "sessions_ended",
  subject: { id: string; email: string },
  detail: Record<string, unknown> | null,
) {
  await appendAccessLog(db, {
    action,
    actor: by.actor,
    actorEmail: by.actor ? null : "(command line)",
    subject: { id: subject.id, email: subject.email },
    address: by.address,
    detail,
  });
}

export const staffIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, { error: "not a staff account id" }) });

/** PATCH /api/admin/staff/{id}: one change at a time. */
export const staffChangeSchema = z.union([
  z.object({ role: roleSchema }).strict(),
  z.object({ disabled: z.boolean({ error: "expected true or false" }) }).strict(),
]);

export const passwordBodySchema = z.object({ password: z.string({ error: "expected the new password" }) });
