import { rulePreviewSchema } from "@/lib/alerts/contracts";
import { previewRule } from "@/lib/alerts/preview";
import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { getReadDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** How often a rule (not yet saved) would have fired over the last 7 days of stored data. */
export const POST = apiRoute({ role: "admin" }, async (request) => {
  const rule = await parseJsonBody(rulePreviewSchema, request);
  return jsonOk(await previewRule(await getReadDb(), rule));
});
