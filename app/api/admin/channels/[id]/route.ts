import { deleteChannel, getChannel, updateChannel } from "@/lib/alerts/channels";
import { channelPatchSchema, idParams } from "@/lib/alerts/contracts";
import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { actedBy } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** One channel and its delivery log (newest first). */
export const GET = apiRoute<{ id: string }>({ role: "admin" }, async (_request, params) => {
  const { id } = idParams.parse(params);
  return jsonOk(await getChannel(await getDb(), id));
});

/** `{enabled?, name?, language?, ratePerMinute?}`: pauses/resumes a channel or edits those settings. */
export const PATCH = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  const patch = await parseJsonBody(channelPatchSchema, request);
  return jsonOk(await updateChannel(await getDb(), id, patch, actedBy(request, who)));
});

/** Deletes a channel, its outbox and its delivery log. */
export const DELETE = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  await deleteChannel(await getDb(), id, actedBy(request, who));
  return jsonOk({ deleted: id });
});
