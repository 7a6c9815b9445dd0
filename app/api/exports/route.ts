import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { parseQuery } from "@/lib/api/search-params";
import { getReadDb } from "@/lib/db/client";
import { listExports } from "@/lib/export/export-log";
import { exportsListQuerySchema } from "@/lib/export/export-query";

export const dynamic = "force-dynamic";

/** The export log, newest export first: `?limit=&cursor=` → `{items: ExportManifest[], nextCursor}`. */
export const GET = apiRoute({ role: "auditor" }, async (request) => {
  const page = parseQuery(exportsListQuerySchema, request);
  return jsonOk(await listExports(await getReadDb(), page));
});
