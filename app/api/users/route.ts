import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { listUsers, userListQuerySchema } from "@/lib/users/list";

export const dynamic = "force-dynamic";

/** Recalls per user: `?q=&sort=&order=&limit=&cursor=&since=&until=&sdkAppId=`. */
export const GET = apiRoute({ role: "viewer" }, async (request) => {
  const query = parseQuery(userListQuerySchema, request);
  return jsonOk(await listUsers(await getReadDb(), query));
});
