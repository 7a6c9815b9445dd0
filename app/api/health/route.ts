import { isDatabaseUp } from "@/lib/health";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const up = await isDatabaseUp();
  return Response.json(up ? { status: "ok" } : { status: "unavailable", error: "database does not answer" }, {
    status: up ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
