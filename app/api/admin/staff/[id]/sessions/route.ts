import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { endSessions, staffIdParams } from "@/lib/auth/staff";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** Signs the person out everywhere: `{ended: <sessions>}`. */
export const DELETE = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = staffIdParams.parse(params);
  const by = { actor: { id: who.userId, email: who.email, via: who.via }, address: clientAddress(request) };
  return jsonOk({ ended: await endSessions(await getDb(), id, by) });
});
