import { sendTest } from "@/lib/alerts/channels";
import { idParams } from "@/lib/alerts/contracts";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { actedBy } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Send test: one message now; answers what the channel said (also in its delivery log). */
export const POST = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = idParams.parse(params);
  return jsonOk(await sendTest(await getDb(), id, actedBy(request, who)));
});
