import { requireViewer } from "@/lib/api/authorize";
import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";
import { getDb } from "@/lib/db/client";
import { recallExportQuerySchema, requesterOf } from "@/lib/export/export-query";
import { startRecallsExport } from "@/lib/export/recalls-export";

export const dynamic = "force-dynamic";

/** The recall log as CSV: `?<the recall log's filters>&bom=1`. Streams; logged in the export log. */
export const GET = apiRoute(async (request) => {
  const { bom, ...filters } = parseQuery(recallExportQuerySchema, request);
  await requireViewer(request);
  const started = await startRecallsExport(await getDb(), { filters, bom, requestedBy: requesterOf(request), signal: request.signal });
  return new Response(started.stream, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${started.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      "x-export-id": started.exportId,
    },
  });
});
