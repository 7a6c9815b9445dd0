import { requireViewer } from "@/lib/api/authorize";
import { apiRoute } from "@/lib/api/handler";
import { recallIdParams } from "@/lib/api/path-params";
import { jsonOk } from "@/lib/api/response";
import { getReadDb } from "@/lib/db/client";
import { getRecall } from "@/lib/recalls/list";

export const dynamic = "force-dynamic";

export const GET = apiRoute<{ id: string }>(async (request, params) => {
  const { id } = recallIdParams.parse(params);
  await requireViewer(request);
  return jsonOk(await getRecall(await getReadDb(), id));
});
