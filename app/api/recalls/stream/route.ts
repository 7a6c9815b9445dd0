import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";
import { getDb } from "@/lib/db/client";
import { recallStreamQuerySchema } from "@/lib/recalls/filters";
import { openRecallStream, resumeAfter, sseResponse } from "@/lib/recalls/stream";

export const dynamic = "force-dynamic";

/** Server-Sent Events of new recalls matching the log's filters; resumes after Last-Event-ID. */
export const GET = apiRoute({ role: "viewer" }, async (request) => {
  const query = parseQuery(recallStreamQuerySchema, request);
  return sseResponse(await openRecallStream(await getDb(), query, { after: resumeAfter(request, query), signal: request.signal }));
});
