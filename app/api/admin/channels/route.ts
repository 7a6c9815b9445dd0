import { createChannel, listChannels } from "@/lib/alerts/channels";
import { channelInputSchema } from "@/lib/alerts/contracts";
import { parseJsonBody } from "@/lib/api/body";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { actedBy } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Alert channels, without their secrets (admins). */
export const GET = apiRoute({ role: "admin" }, async () => jsonOk({ items: await listChannels(await getDb()) }));

/** Creates a channel; its secrets are encrypted and never returned (a generated webhook secret once, here). */
export const POST = apiRoute({ role: "admin" }, async (request, _params, who) => {
  const input = await parseJsonBody(channelInputSchema, request);
  return jsonOk(await createChannel(await getDb(), input, actedBy(request, who)), { status: 201 });
});
