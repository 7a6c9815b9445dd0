import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { passwordBodySchema, resetPassword, staffIdParams } from "@/lib/auth/staff";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** Sets a new password (`{password}`) and ends the person's sessions. */
export const POST = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const [{ id }, { password }] = [staffIdParams.parse(params), await parseJsonBody(passwordBodySchema, request)];
  const by = { actor: { id: who.userId, email: who.email, via: who.via }, address: clientAddress(request) };
  await resetPassword(await getDb(), id, password, by);
  return jsonOk({ ok: true });
});
