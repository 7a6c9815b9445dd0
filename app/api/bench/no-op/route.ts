import { config } from "@/lib/config";
import { imResponse } from "@/lib/im/response";

// The benchmark's floor: a Next.js route of this build that answers IM's OK without reading the
// request, so `npm run bench -- ingest` can say what share of the framework's own throughput the
// callback keeps. Answers 404 unless ENABLE_BENCH_ROUTES=1.
export function POST(): Response {
  if (!config.enableBenchRoutes) return imResponse(404, "not found");
  return imResponse(200);
}
