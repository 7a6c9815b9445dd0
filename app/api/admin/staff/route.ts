import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { createStaff, listStaff, newStaffSchema } from "@/lib/auth/staff";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** Staff accounts (admins). */
export const GET = apiRoute({ role: "admin" }, async () => jsonOk({ items: await listStaff(await getDb()) }));

/** Creates a staff account: `{email, name?, role, password}`. */
export const POST = apiRoute({ role: "admin" }, async (request, _params, who) => {
  const input = await parseJsonBody(newStaffSchema, request);
  const actor = { id: who.userId, email: who.email, via: who.via };
  return jsonOk(await createStaff(await getDb(), input, { actor, address: clientAddress(request) }), { status: 201 });
});
