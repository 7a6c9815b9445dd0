import { alertListQuery } from "@/lib/alerts/contracts";
import { listAlerts } from "@/lib/alerts/lifecycle";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** Alert history, newest first; filters status, ruleId, kind. */
export const GET = apiRoute({ role: "viewer" }, async (request) => {
  const query = parseQuery(alertListQuery, request);
  return jsonOk({ items: await listAlerts(await getReadDb(), query) });
});
