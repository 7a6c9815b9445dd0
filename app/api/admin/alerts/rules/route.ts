import { ruleInputSchema } from "@/lib/alerts/contracts";
import { createRule, listRules } from "@/lib/alerts/rules";
import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { actedBy } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Alert rules with how many alerts each has firing (admins). */
export const GET = apiRoute({ role: "admin" }, async () => jsonOk({ items: await listRules(await getDb()) }));

/** Creates a rule: `{name, kind, params, apps, channelIds, cooldownMinutes, enabled}`. */
export const POST = apiRoute({ role: "admin" }, async (request, _params, who) => {
  const input = await parseJsonBody(ruleInputSchema, request);
  return jsonOk(await createRule(await getDb(), input, actedBy(request, who)), { status: 201 });
});
