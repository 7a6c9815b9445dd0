import { apiRoute } from "@/lib/api/handler";
import { config } from "@/lib/config";
import { clientAddress } from "@/lib/http/client-address";
import { isAllowedScraper, metricsResponse } from "@/lib/metrics";

export const dynamic = "force-dynamic";

// Any staff credential (an API token of any role, for Prometheus' bearer_token) may scrape, and
// does not wait behind dashboard reads: an overloaded dashboard is what a scrape must show.
const withCredentials = apiRoute({ role: "viewer", gated: false }, () => metricsResponse());

/** Prometheus text format. From METRICS_ALLOWED_CIDRS without credentials; elsewhere 401/403 like any API. */
export function GET(request: Request, context: { params: Promise<Record<string, never>> }): Promise<Response> {
  if (isAllowedScraper(clientAddress(request), config.metrics.allowedCidrs)) return metricsResponse();
  return withCredentials(request, context);
}
