// Saved views' contract, shared by the API and the browser (no server code here).
import { z } from "zod";

/** The pages whose filters, range and sort a view can hold. */
export const SAVED_VIEW_PAGES = ["/", "/recalls", "/users"] as const;
export type SavedViewPage = (typeof SAVED_VIEW_PAGES)[number];

// Paging is where the viewer was, not what they looked for: a view always opens at the top.
const DROPPED_PARAMS = ["cursor"];
const MAX_QUERY_CHARS = 2000;

/** The query string a view keeps: no leading `?`, paging dropped, keys sorted (one spelling per view). */
export function normaliseViewQuery(query: string): string {
  const params = new URLSearchParams(query.startsWith("?") ? query.slice(1) : query);
  for (const p of DROPPED_PARAMS) params.delete(p);
  params.sort();
  return params.toString();
}

const name = z
  .string({ error: "expected a name" })
  .trim()
  .min(1, { error: "expected a name of 1 to 100 characters" })
  .max(100, { error: "expected a name of 1 to 100 characters" });

export const newSavedViewSchema = z.object({
  page: z.enum(SAVED_VIEW_PAGES, { error: `expected one of ${SAVED_VIEW_PAGES.join(", ")}` }),
  name,
  query: z
    .string({ error: "expected the page's query string" })
    .max(MAX_QUERY_CHARS, { error: `expected at most ${MAX_QUERY_CHARS} characters` })
    .transform(normaliseViewQuery),
  shared: z.boolean({ error: "expected true or false" }).default(false),
});
export type NewSavedView = z.infer<typeof newSavedViewSchema>;

export const savedViewChangeSchema = z
  .object({ name: name.optional(), shared: z.boolean({ error: "expected true or false" }).optional() })
  .refine((v) => v.name !== undefined || v.shared !== undefined, { error: "expected a new name or shared" });

export const savedViewListQuerySchema = z.object({
  page: z.enum(SAVED_VIEW_PAGES, { error: `expected one of ${SAVED_VIEW_PAGES.join(", ")}` }).optional(),
});

export type SavedViewItem = {
  id: string;
  page: SavedViewPage;
  name: string;
  query: string;
  shared: boolean;
  ownerEmail: string;
  /** The caller owns it: may rename, share and delete it. */
  mine: boolean;
  /** The caller may delete it (owner, or an admin for a shared view). */
  canDelete: boolean;
  updatedAt: string;
};

/** Where a view opens: its page with its query. */
export function savedViewHref(view: Pick<SavedViewItem, "page" | "query">): string {
  return view.query ? `${view.page}?${view.query}` : view.page;
}
