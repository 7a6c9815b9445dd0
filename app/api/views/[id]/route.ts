import { z } from "zod";
import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { getDb } from "@/lib/db/client";
import { savedViewChangeSchema } from "@/lib/views/contract";
import { deleteSavedView, updateSavedView } from "@/lib/views/saved-views";

export const dynamic = "force-dynamic";

const viewIdParams = z.object({ id: z.uuid({ error: "not a saved view id" }) });

/** Renames or re-shares one of the caller's views: `{name?, shared?}`. */
export const PATCH = apiRoute<{ id: string }>({ role: "viewer" }, async (request, params, who) => {
  const { id } = viewIdParams.parse(params);
  const change = await parseJsonBody(savedViewChangeSchema, request);
  return jsonOk(await updateSavedView(await getDb(), who, id, change));
});

/** Deletes a view: the owner's own, or a shared one by an admin. */
export const DELETE = apiRoute<{ id: string }>({ role: "viewer" }, async (_request, params, who) => {
  const { id } = viewIdParams.parse(params);
  await deleteSavedView(await getDb(), who, id);
  return jsonOk({ ok: true });
});
