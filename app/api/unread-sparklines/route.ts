import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { getUnreadSparklines, unreadSparklinesQuerySchema } from "@/lib/users/sparklines";

export const dynamic = "force-dynamic";

/** Unread-count sparklines for a page of users: `?user=a&user=b&since=&until=&points=&sdkAppId=`. */
export const GET = apiRoute({ role: "viewer" }, async (request) => {
  const query = parseQuery(unreadSparklinesQuerySchema, request);
  return jsonOk(await getUnreadSparklines(await getReadDb(), query));
});
