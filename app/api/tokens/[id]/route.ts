import { z } from "zod";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { revokeApiToken } from "@/lib/auth/api-tokens";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

const tokenIdParams = z.object({ id: z.string().regex(/^[0-9a-f]{32}$/, { error: "not a token id" }) });

/** Revokes one of the caller's tokens; it answers 401 from then on. */
export const DELETE = apiRoute<{ id: string }>({ role: "auditor" }, async (request, params, who) => {
  const { id } = tokenIdParams.parse(params);
  await revokeApiToken(await getDb(), who, id, clientAddress(request));
  return jsonOk({ ok: true });
});
