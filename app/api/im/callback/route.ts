import { dashboardGate } from "@/lib/api/dashboard-gate";
import { config } from "@/lib/config";
import { answerImCallback } from "@/lib/im/handle-callback";
import { imResponse } from "@/lib/im/response";
import { ingestQueue } from "@/lib/recalls/ingest";

/** The URL to enter in the IM console. Every callback command the console enables arrives here. */
export function POST(request: Request): Promise<Response> {
  // Dashboard reads yield while callbacks arrive, refused ones included (a flood is load too).
  dashboardGate().noteCallback();
  return answerImCallback(request, config.im, ingestQueue());
}

export function GET(): Response {
  return imResponse(405, "IM callbacks are HTTP POST requests");
}
