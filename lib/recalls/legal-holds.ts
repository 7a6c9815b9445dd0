// Legal holds: an admin places an IM user ID on hold with a reason, and retention
// (lib/recalls/retention.ts) keeps every recall that user sent or received until the hold is
// lifted. Placing and lifting are both written to the access log in the same transaction as the
// hold itself, so neither can happen unrecorded.
import { z } from "zod";
import { ConflictError, NotFoundError } from "@/lib/api/errors";
import { type Actor, appendAccessLog } from "@/lib/audit/access-log";
import type { Db } from "@/lib/db/client";
import { userIdParam } from "@/lib/recalls/filters";

export const newHoldSchema = z.object({
  userId: userIdParam.refine((v) => v.trim() === v && !/\p{Cc}/u.test(v), {
    error: "expected the user ID exactly as IM sends it (no surrounding spaces or control characters)",
  }),
  reason: z
    .string()
    .trim()
    .min(3, { error: "expected a reason (a case or request reference), at least 3 characters" })
    .max(500, { error: "expected at most 500 characters" }),
});
export type NewHold = z.output<typeof newHoldSchema>;

export const holdIdParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, { error: "expected a hold id (a whole number)" })
    .transform(Number),
});

export type HoldItem = {
  id: number;
  userId: string;
  reason: string;
  placedBy: string;
  placedAt: string;
  liftedBy: string | null;
  liftedAt: string | null;
};

type Row = Awaited<ReturnType<Db["legalHold"]["findMany"]>>[number];
const toItem = (h: Row): HoldItem => ({
  id: h.id,
  userId: h.userId,
  reason: h.reason,
  placedBy: h.placedByEmail,
  placedAt: h.placedAt.toISOString(),
  liftedBy: h.liftedByEmail,
  liftedAt: h.liftedAt?.toISOString() ?? null,
});

/** Active holds first (newest first), then lifted ones, most recently lifted first. */
export async function listHolds(db: Db): Promise<HoldItem[]> {
  const [active, lifted] = await Promise.all([
    db.legalHold.findMany({ where: { liftedAt: null }, orderBy: { id: "desc" } }),
    db.legalHold.findMany({ where: { liftedAt: { not: null } }, orderBy: { liftedAt: "desc" }, take: 200 }),
  ]);
  return [...active, ...lifted].map(toItem);
}

type By = { actor: Actor; address: string };

export async function placeHold(db: Db, input: NewHold, by: By): Promise<HoldItem> {
  return db.$transaction(async (tx) => {
    const existing = await tx.legalHold.findFirst({ where: { userId: input.userId, liftedAt: null } });
    if (existing) throw new ConflictError(`${input.userId} is already on hold (since ${existing.placedAt.toISOString()})`);
    const hold = await tx.legalHold.create({
      data: {
        userId: input.userId,
        reason: input.reason,
        placedById: by.actor.id,
        placedByEmail: by.actor.email,
        placedAt: new Date(),
      },
    });
    await appendAccessLog(tx, {
      action: "hold_placed",
      actor: by.actor,
      target: input.userId,
      address: by.address,
      detail: { holdId: hold.id, reason: input.reason },
    });
    return toItem(hold);
  });
}

export async function liftHold(db: Db, id: number, by: By): Promise<HoldItem> {
  return db.$transaction(async (tx) => {
    const hold = await tx.legalHold.findUnique({ where: { id } });
    if (!hold) throw new NotFoundError(`no legal hold ${id}`);
    if (hold.liftedAt) throw new ConflictError(`the hold on ${hold.userId} was already lifted at ${hold.liftedAt.toISOString()}`);
    const lifted = await tx.legalHold.update({ where: { id }, data: { liftedAt: new Date(), liftedByEmail: by.actor.email } });
    await appendAccessLog(tx, {
      action: "hold_lifted",
      actor: by.actor,
      target: hold.userId,
      address: by.address,
      detail: { holdId: id, reason: hold.reason },
    });
    return toItem(lifted);
  });
}
