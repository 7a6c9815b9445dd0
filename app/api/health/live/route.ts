export const dynamic = "force-dynamic";

/** Liveness: the process answers. Touches nothing else, so a slow database never gets it restarted. */
export function GET(): Response {
  return Response.json({ status: "ok" }, { headers: { "cache-control": "no-store" } });
}
