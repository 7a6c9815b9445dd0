import { z } from "zod";
import { ForbiddenError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { recallIdParams } from "@/lib/api/path-params";
import { jsonOk } from "@/lib/api/response";
import { appendAccessLog, recordView } from "@/lib/audit/access-log";
import { roleAtLeast } from "@/lib/auth/roles";
import { config } from "@/lib/config";
import { getDb, getReadDb } from "@/lib/db/client";
import { clientAddress } from "@/lib/http/client-address";
import { recallMessageContent, recallMessageInfo } from "@/lib/messages/recall-message";
import { getRecall } from "@/lib/recalls/list";

export const dynamic = "force-dynamic";

const querySchema = z.object({ include: z.enum(["content"], { error: "expected include=content" }).optional() });

/**
 * One recall and what is known about its message; each view is recorded in the access log.
 * `include=content` (auditors and admins only) adds the captured message, recorded as a reveal.
 */
export const GET = apiRoute<{ id: string }>({ role: "viewer" }, async (request, params, who) => {
  const { id } = recallIdParams.parse(params);
  const { include } = querySchema.parse(Object.fromEntries(new URL(request.url).searchParams));
  if (include === "content" && !roleAtLeast(who.role, "auditor"))
    throw new ForbiddenError(`A message's content needs the auditor role or higher; ${who.email} is signed in as ${who.role}`);
  const db = await getReadDb();
  const recall = await getRecall(db, id);
  const message = await recallMessageInfo(db, recall);
  await recordView(await getDb(), who, request, "recall_viewed", String(id));
  if (include !== "content") return jsonOk({ ...recall, message });
  const content = await recallMessageContent(db, recall, config.messages.keys);
  await appendAccessLog(await getDb(), {
    action: "message_content_revealed",
    actor: { id: who.userId, email: who.email, via: who.via },
    target: String(id),
    address: clientAddress(request),
    detail: { captured: content !== null },
  });
  return jsonOk({ ...recall, message: { ...message, content } });
});
