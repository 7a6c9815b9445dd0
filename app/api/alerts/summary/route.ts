import { firingSummary } from "@/lib/alerts/lifecycle";
import { apiRoute } from "@/lib/api/handler";
import { jsonOk } from "@/lib/api/response";
import { getReadDb } from "@/lib/db/client";

export const dynamic = "force-dynamic";

/** The header badge: alerts firing now. */
export const GET = apiRoute({ role: "viewer" }, async () => jsonOk(await firingSummary(await getReadDb())));
