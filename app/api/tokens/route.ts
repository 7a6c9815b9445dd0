import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { createApiToken, listApiTokens, newTokenSchema } from "@/lib/auth/api-tokens";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** The caller's own API tokens (never their secrets). */
export const GET = apiRoute({ role: "auditor" }, async (_request, _params, who) =>
  jsonOk({ items: await listApiTokens(await getDb(), who.userId) }),
);

/** Creates a token `{name, role, days}`; the answer holds the token itself, shown this once. */
export const POST = apiRoute({ role: "auditor" }, async (request, _params, who) => {
  const input = await parseJsonBody(newTokenSchema, request);
  const owner = { id: who.userId, email: who.email, role: who.role };
  return jsonOk(await createApiToken(await getDb(), owner, input, { address: clientAddress(request), via: who.via }), { status: 201 });
});
