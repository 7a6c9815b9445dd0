import { apiRoute } from "@/lib/api/handler";
import { userIdParams } from "@/lib/api/path-params";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { recordView } from "@/lib/audit/access-log";
import { getDb, getReadDb } from "@/lib/db/client";
import { getUserTrend, userTrendQuerySchema } from "@/lib/users/trend";

export const dynamic = "force-dynamic";

/** Unread counts reported for the user and recalls per bucket: `?since=&until=&bucket=hour|day&sdkAppId=`. Each view of a user's page loads this once and is recorded in the access log. */
export const GET = apiRoute<{ userId: string }>({ role: "viewer" }, async (request, params, who) => {
  const [{ userId }, query] = [userIdParams.parse(params), parseQuery(userTrendQuerySchema, request)];
  const trend = await getUserTrend(await getReadDb(), userId, query);
  await recordView(await getDb(), who, request, "user_viewed", userId);
  return jsonOk(trend);
});
