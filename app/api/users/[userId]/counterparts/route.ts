import { apiRoute } from "@/lib/api/handler";
import { userIdParams } from "@/lib/api/path-params";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { getUserCounterparts, userCounterpartsQuerySchema } from "@/lib/users/trend";

export const dynamic = "force-dynamic";

/** Who the user exchanges recalls with most: `?since=&until=&sdkAppId=&limit=`. */
export const GET = apiRoute<{ userId: string }>({ role: "viewer" }, async (request, params) => {
  const [{ userId }, query] = [userIdParams.parse(params), parseQuery(userCounterpartsQuerySchema, request)];
  return jsonOk(await getUserCounterparts(await getReadDb(), userId, query));
});
