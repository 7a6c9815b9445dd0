import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { getOverview, overviewQuerySchema } from "@/lib/overview";

export const dynamic = "force-dynamic";

/** The overview's data: `?since=&until=&sdkAppId=&bucket=hour|day`. */
export const GET = apiRoute({ role: "viewer" }, async (request) => {
  const query = parseQuery(overviewQuerySchema, request);
  return jsonOk(await getOverview(await getReadDb(), query));
});
