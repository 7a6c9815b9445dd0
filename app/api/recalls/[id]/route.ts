import { apiRoute } from "@/lib/api/handler";
import { recallIdParams } from "@/lib/api/path-params";
import { jsonOk } from "@/lib/api/response";
import { recordView } from "@/lib/audit/access-log";
import { getDb, getReadDb } from "@/lib/db/client";
import { getRecall } from "@/lib/recalls/list";

export const dynamic = "force-dynamic";

/** One recall; each view is recorded in the access log. */
export const GET = apiRoute<{ id: string }>({ role: "viewer" }, async (request, params, who) => {
  const { id } = recallIdParams.parse(params);
  const recall = await getRecall(await getReadDb(), id);
  await recordView(await getDb(), who, request, "recall_viewed", String(id));
  return jsonOk(recall);
});
