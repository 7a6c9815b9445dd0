import { requireViewer } from "@/lib/api/authorize";
import { apiRoute } from "@/lib/api/handler";
import { userIdParams } from "@/lib/api/path-params";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { getUserTrend, userTrendQuerySchema } from "@/lib/users/trend";

export const dynamic = "force-dynamic";

/** Unread counts reported for the user and recalls per bucket: `?since=&until=&bucket=hour|day&sdkAppId=`. */
export const GET = apiRoute<{ userId: string }>(async (request, params) => {
  const [{ userId }, query] = [userIdParams.parse(params), parseQuery(userTrendQuerySchema, request)];
  await requireViewer(request);
  return jsonOk(await getUserTrend(await getReadDb(), userId, query));
});
