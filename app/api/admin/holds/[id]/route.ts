import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { holdIdParams, liftHold } from "@/lib/recalls/legal-holds";

export const dynamic = "force-dynamic";

/** Lifts a hold; the record stays, marked lifted. */
export const DELETE = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const { id } = holdIdParams.parse(params);
  const by = { actor: { id: who.userId, email: who.email, via: who.via }, address: clientAddress(request) };
  return jsonOk(await liftHold(await getDb(), id, by));
});
