import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";
import { accessLogCsv, accessLogFiltersSchema, appendAccessLog } from "@/lib/audit/access-log";
import { getDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";

export const dynamic = "force-dynamic";

/** The access log as CSV, newest first, with the same filters as /api/audit. The export itself is logged first. */
export const GET = apiRoute({ role: "auditor" }, async (request, _params, who) => {
  const filters = parseQuery(accessLogFiltersSchema, request);
  const db = await getDb();
  await appendAccessLog(db, {
    action: "access_log_export",
    actor: { id: who.userId, email: who.email, via: who.via },
    address: clientAddress(request),
    detail: { filters },
  });
  const stamp = new Date().toISOString().replace(/[-:]/g, "").slice(0, 15);
  return new Response(accessLogCsv(db, filters), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="access-log-${stamp}Z.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});
