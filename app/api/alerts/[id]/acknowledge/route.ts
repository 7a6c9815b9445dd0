import { idParams } from "@/lib/alerts/contracts";
import { acknowledgeAlert } from "@/lib/alerts/lifecycle";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { actedBy } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Records that a member of staff has seen the alert (who and when); 409 if already acknowledged. */
export const POST = apiRoute<{ id: string }>({ role: "viewer" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  return jsonOk(await acknowledgeAlert(await getDb(), id, actedBy(request, who)));
});
