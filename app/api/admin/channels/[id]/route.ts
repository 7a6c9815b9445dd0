import { z } from "zod";
import { deleteChannel, getChannel, setChannelEnabled } from "@/lib/alerts/channels";
import { idParams } from "@/lib/alerts/contracts";
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

/** `{enabled}`: pauses or resumes a channel. */
export const PATCH = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  const { enabled } = await parseJsonBody(z.object({ enabled: z.boolean() }), request);
  return jsonOk(await setChannelEnabled(await getDb(), id, enabled, actedBy(request, who)));
});

/** Deletes a channel, its outbox and its delivery log. */
export const DELETE = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  await deleteChannel(await getDb(), id, actedBy(request, who));
  return jsonOk({ deleted: id });
});
