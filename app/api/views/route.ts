import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getDb } from "@/lib/db/client";
import { newSavedViewSchema, savedViewListQuerySchema } from "@/lib/views/contract";
import { createSavedView, listSavedViews } from "@/lib/views/saved-views";

export const dynamic = "force-dynamic";

/** The caller's saved views and everyone's shared ones (`?page=/recalls` for one page). */
export const GET = apiRoute({ role: "viewer" }, async (request, _params, who) => {
  const { page } = parseQuery(savedViewListQuerySchema, request);
  return jsonOk({ items: await listSavedViews(await getDb(), who, page) });
});

/** Saves `{page, name, query, shared}` as the caller's view. */
export const POST = apiRoute({ role: "viewer" }, async (request, _params, who) => {
  const input = await parseJsonBody(newSavedViewSchema, request);
  return jsonOk(await createSavedView(await getDb(), who, input), { status: 201 });
});
