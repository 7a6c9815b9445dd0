import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { listHolds, newHoldSchema, placeHold } from "@/lib/recalls/legal-holds";

export const dynamic = "force-dynamic";

/** Legal holds, active first (admins). */
export const GET = apiRoute({ role: "admin" }, async () => jsonOk({ items: await listHolds(await getDb()) }));

/** Places a hold: `{userId, reason}`; 409 if the user is already on hold. */
export const POST = apiRoute({ role: "admin" }, async (request, _params, who) => {
  const input = await parseJsonBody(newHoldSchema, request);
  const by = { actor: { id: who.userId, email: who.email, via: who.via }, address: clientAddress(request) };
  return jsonOk(await placeHold(await getDb(), input, by), { status: 201 });
});
