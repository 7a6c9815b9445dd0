import { config } from "@/lib/config";
import { answerImCallback, type RecallSink } from "@/lib/im/handle-callback";
import { imResponse } from "@/lib/im/response";

// The benchmark's baseline: the callback endpoint's full path (parameters, Sign, body, validation,
// logging) minus the database, so `npm run bench` measures exactly what storing costs.
// Answers 404 unless ENABLE_BENCH_ROUTES=1.
const noDatabase: RecallSink = {
  submit: async () => ({ outcome: "stored", id: 0 }),
  submitMessage: async () => ({ outcome: "stored", id: 0 }),
  tally: () => {},
};

export function POST(request: Request): Promise<Response> | Response {
  if (!config.enableBenchRoutes) return imResponse(404, "not found");
  return answerImCallback(request, config.im, noDatabase);
}
