import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";
import { appendAccessLog } from "@/lib/audit/access-log";
import { config } from "@/lib/config";
import { getDb } from "@/lib/db/client";
import { recallExportQuerySchema } from "@/lib/export/export-query";
import { startRecallsExport } from "@/lib/export/recalls-export";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** The recall log as CSV (auditors and admins): `?<the recall log's filters>&bom=1&include=content`. Streams; logged in the export log and the access log. */
export const GET = apiRoute({ role: "auditor" }, async (request, _params, who) => {
  const { bom, include, ...filters } = parseQuery(recallExportQuerySchema, request);
  const db = await getDb();
  const address = clientAddress(request);
  const content = include === "content" ? { keys: config.messages.keys } : undefined;
  const started = await startRecallsExport(db, { filters, bom, content, requestedBy: `${who.email} (${address})`, signal: request.signal });
  await appendAccessLog(db, {
    action: "csv_export",
    actor: { id: who.userId, email: who.email, via: who.via },
    target: started.filename,
    address,
    exportId: started.exportId,
    detail: include ? { filters, include } : { filters },
  });
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
