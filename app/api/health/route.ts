import { readiness } from "@/lib/health";

export const dynamic = "force-dynamic";

/** Readiness: 200 while this instance can commit (database answers, migrations applied), else 503. */
export async function GET(): Promise<Response> {
  const state = await readiness();
  return Response.json(state.ready ? { status: "ok" } : { status: "unavailable", error: state.reason }, {
    status: state.ready ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
