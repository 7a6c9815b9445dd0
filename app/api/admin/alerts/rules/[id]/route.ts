import { idParams, ruleInputSchema } from "@/lib/alerts/contracts";
import { deleteRule, updateRule } from "@/lib/alerts/rules";
import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { actedBy } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Replaces a rule's settings (the same body as creating one). */
export const PATCH = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  const input = await parseJsonBody(ruleInputSchema, request);
  return jsonOk(await updateRule(await getDb(), id, input, actedBy(request, who)));
});

/** Deletes a rule and its alert history. */
export const DELETE = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  await deleteRule(await getDb(), id, actedBy(request, who));
  return jsonOk({ deleted: id });
});
