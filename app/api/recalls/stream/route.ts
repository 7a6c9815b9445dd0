import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";
import { authenticate } from "@/lib/auth/authenticate";
import { config } from "@/lib/config";
import { getDb, getReadDb } from "@/lib/db/client";
import { recallStreamQuerySchema } from "@/lib/recalls/filters";
import { openRecallStream, resumeAfter, sseResponse } from "@/lib/recalls/stream";
import { streamOwner } from "@/lib/recalls/stream-limits";

export const dynamic = "force-dynamic";

/**
 * Server-Sent Events of new recalls matching the log's filters; resumes after Last-Event-ID. 429
 * past the stream limits. Not behind the dashboard gate: opening is a query or two, the streams'
 * reads are one shared poller's (lib/recalls/stream.ts), their number has its own limit, and every
 * open dashboard reconnecting at once after a restart must not be turned away.
 */
export const GET = apiRoute({ role: "viewer", gated: false }, async (request, _params, principal) => {
  const query = parseQuery(recallStreamQuerySchema, request);
  const options = {
    after: resumeAfter(request, query),
    signal: request.signal,
    owner: streamOwner(principal),
    maxClients: config.stream.maxClients,
    pollMs: config.stream.pollMs,
    heartbeatMs: config.stream.heartbeatMs,
    // The same credentials, checked again (without counting as activity) at every heartbeat.
    stillAllowed: async () => (await authenticate(await getDb(), request, { touch: false })) !== null,
  };
  return sseResponse(await openRecallStream(await getReadDb(), query, options));
});
