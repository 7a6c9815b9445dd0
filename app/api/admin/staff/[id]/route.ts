import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { changeRole, setDisabled, staffChangeSchema, staffIdParams } from "@/lib/auth/staff";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** Changes a role (`{role}`) or disables/enables an account (`{disabled}`); never the last active admin. */
export const PATCH = apiRoute<{ id: string }>({ role: "admin" }, async (request, params, who) => {
  const [{ id }, change] = [staffIdParams.parse(params), await parseJsonBody(staffChangeSchema, request)];
  const by = { actor: { id: who.userId, email: who.email, via: who.via }, address: clientAddress(request) };
  const db = await getDb();
  if ("role" in change) await changeRole(db, id, change.role, by);
  else await setDisabled(db, id, change.disabled, by);
  return jsonOk({ ok: true });
});
