import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { accessLogQuerySchema, listAccessLog } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** The access log, newest first: `?actor=&action=&subject=&since=&until=&limit=&cursor=`. */
export const GET = apiRoute({ role: "auditor" }, async (request) => {
  const query = parseQuery(accessLogQuerySchema, request);
  return jsonOk(await listAccessLog(await getDb(), query));
});
