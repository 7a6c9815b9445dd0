import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { exportCountQuerySchema } from "@/lib/export/export-query";
import { countExportRows } from "@/lib/export/recalls-export";

export const dynamic = "force-dynamic";

/** How many rows `GET /api/recalls/export` with the same filters would export now: `{count, snapshotMaxId}`. */
export const GET = apiRoute({ role: "auditor" }, async (request) => {
  const filters = parseQuery(exportCountQuerySchema, request);
  return jsonOk(await countExportRows(await getReadDb(), filters));
});
