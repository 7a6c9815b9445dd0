import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { recallListQuerySchema } from "@/lib/recalls/filters";
import { listRecalls } from "@/lib/recalls/list";

export const dynamic = "force-dynamic";

/** The recall log, newest first: `?user=&from=&to=&platform=&ip=&msgKey=&sdkAppId=&since=&until=&limit=&cursor=`. */
export const GET = apiRoute({ role: "viewer" }, async (request) => {
  const query = parseQuery(recallListQuerySchema, request);
  return jsonOk(await listRecalls(await getReadDb(), query));
});
