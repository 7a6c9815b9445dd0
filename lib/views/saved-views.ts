// Saved views (issue 10): a staff member's named filters/range/sort of one page, private or shared
// with all staff. The owner renames, re-shares and deletes; an admin may also delete a shared view
// (tidying the shared list), never rename someone else's.
import { randomUUID } from "node:crypto";
import { ConflictError, ForbiddenError, NotFoundError } from "@/lib/api/errors";
import type { Principal } from "@/lib/auth/principal";
import type { Db } from "@/lib/db/client";
import { type NewSavedView, SAVED_VIEW_PAGES, type SavedViewItem, type SavedViewPage } from "@/lib/views/contract";

type Row = {
  id: string;
  ownerId: string;
  page: string;
  name: string;
  query: string;
  shared: boolean;
  updatedAt: Date;
  owner: { email: string };
};

const SELECT = {
  id: true,
  ownerId: true,
  page: true,
  name: true,
  query: true,
  shared: true,
  updatedAt: true,
  owner: { select: { email: true } },
} as const;

function asPage(page: string): SavedViewPage {
  return (SAVED_VIEW_PAGES as readonly string[]).includes(page) ? (page as SavedViewPage) : "/recalls";
}

function toItem(row: Row, who: Principal): SavedViewItem {
  const mine = row.ownerId === who.userId;
  return {
    id: row.id,
    page: asPage(row.page),
    name: row.name,
    query: row.query,
    shared: row.shared,
    ownerEmail: row.owner.email,
    mine,
    canDelete: mine || (row.shared && who.role === "admin"),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The caller's own views and everyone's shared ones, of one page or all; by page, then name. */
export async function listSavedViews(db: Db, who: Principal, page?: SavedViewPage): Promise<SavedViewItem[]> {
  const rows = await db.savedView.findMany({
    where: { ...(page ? { page } : {}), OR: [{ ownerId: who.userId }, { shared: true }] },
    select: SELECT,
    orderBy: [{ page: "asc" }, { name: "asc" }, { id: "asc" }],
  });
  return rows.map((r) => toItem(r, who));
}

function duplicate(name: string): ConflictError {
  return new ConflictError(`You already have a view named "${name}" on this page`);
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && error.code === "P2002";
}

export async function createSavedView(db: Db, who: Principal, input: NewSavedView): Promise<SavedViewItem> {
  const now = new Date();
  try {
    const row = await db.savedView.create({
      data: { id: randomUUID(), ownerId: who.userId, ...input, createdAt: now, updatedAt: now },
      select: SELECT,
    });
    return toItem(row, who);
  } catch (error) {
    if (isUniqueViolation(error)) throw duplicate(input.name);
    throw error;
  }
}

/** A view the caller can see (own or shared), else 404: others' private views do not exist for them. */
async function visible(db: Db, who: Principal, id: string): Promise<Row> {
  const row = await db.savedView.findUnique({ where: { id }, select: SELECT });
  if (!row || (row.ownerId !== who.userId && !row.shared)) throw new NotFoundError("No such saved view");
  return row;
}

export async function updateSavedView(
  db: Db,
  who: Principal,
  id: string,
  change: { name?: string; shared?: boolean },
): Promise<SavedViewItem> {
  const row = await visible(db, who, id);
  if (row.ownerId !== who.userId) throw new ForbiddenError("Only the owner of a saved view can change it");
  try {
    const updated = await db.savedView.update({ where: { id }, data: { ...change, updatedAt: new Date() }, select: SELECT });
    return toItem(updated, who);
  } catch (error) {
    if (isUniqueViolation(error) && change.name) throw duplicate(change.name);
    throw error;
  }
}

export async function deleteSavedView(db: Db, who: Principal, id: string): Promise<void> {
  const item = toItem(await visible(db, who, id), who);
  if (!item.canDelete) throw new ForbiddenError("Only the owner of a saved view, or an admin for a shared one, can delete it");
  await db.savedView.deleteMany({ where: { id } });
}
