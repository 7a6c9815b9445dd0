// The access log: who signed in or failed to, who changed which staff account, who created, used
// and revoked tokens, who exported, who looked at whose recalls, and who changed alert rules and
// channels or acknowledged an alert. Append-only: nothing here
// (or anywhere in the app) updates or deletes an entry, and the database refuses to (see the
// staff_access migration's triggers).
import { z } from "zod";
import { cursorParam, encodeCursor } from "@/lib/api/cursor";
import type { Db, Prisma } from "@/lib/db/client";
import { CRLF, csvCell } from "@/lib/export/csv";
import { clientAddress } from "@/lib/http/client-address";
import { dateRangeShape, limitParam, sinceNotAfterUntil } from "@/lib/recalls/filters";

export const ACCESS_ACTIONS = [
  "sign_in",
  "sign_in_failed",
  "sign_in_refused",
  "sign_out",
  "staff_created",
  "role_changed",
  "staff_disabled",
  "staff_enabled",
  "password_reset",
  "sessions_ended",
  "token_created",
  "token_used",
  "token_revoked",
  "csv_export",
  "access_log_export",
  "recall_viewed",
  "message_content_revealed",
  "user_viewed",
  "retention_run",
  "hold_placed",
  "hold_lifted",
  "alert_rule_created",
  "alert_rule_updated",
  "alert_rule_enabled",
  "alert_rule_disabled",
  "alert_rule_deleted",
  "alert_channel_created",
  "alert_channel_updated",
  "alert_channel_enabled",
  "alert_channel_disabled",
  "alert_channel_deleted",
  "alert_channel_tested",
  "alert_acknowledged",
] as const;
export type AccessAction = (typeof ACCESS_ACTIONS)[number];

export const ACTION_TEXT: Record<AccessAction, string> = {
  sign_in: "Signed in",
  sign_in_failed: "Sign-in failed",
  sign_in_refused: "Sign-in refused (too many failures)",
  sign_out: "Signed out",
  staff_created: "Created a staff account",
  role_changed: "Changed a role",
  staff_disabled: "Disabled an account",
  staff_enabled: "Enabled an account",
  password_reset: "Reset a password",
  sessions_ended: "Ended someone's sessions",
  token_created: "Created an API token",
  token_used: "Used an API token (first use that day)",
  token_revoked: "Revoked an API token",
  csv_export: "Exported recalls (CSV)",
  access_log_export: "Exported the access log (CSV)",
  recall_viewed: "Viewed a recall",
  message_content_revealed: "Revealed a recalled message's content",
  user_viewed: "Viewed a user's recalls",
  retention_run: "Retention deleted old recalls",
  hold_placed: "Placed a legal hold",
  hold_lifted: "Lifted a legal hold",
  alert_rule_created: "Created an alert rule",
  alert_rule_updated: "Edited an alert rule",
  alert_rule_enabled: "Enabled an alert rule",
  alert_rule_disabled: "Disabled an alert rule",
  alert_rule_deleted: "Deleted an alert rule",
  alert_channel_created: "Created an alert channel",
  alert_channel_updated: "Edited an alert channel",
  alert_channel_enabled: "Enabled an alert channel",
  alert_channel_disabled: "Paused an alert channel",
  alert_channel_deleted: "Deleted an alert channel",
  alert_channel_tested: "Sent a test message to an alert channel",
  alert_acknowledged: "Acknowledged an alert",
};

/** Who acted: a member of staff, and how they were signed in. */
export type Actor = { id: string; email: string; via: string };

/** Who acted and from where: what a change recorded in the access log needs from its request. */
export type ActedBy = { actor: Actor; address: string };

/** The ActedBy of a request made by `who` (a route handler's principal). */
export const actedBy = (request: Request, who: { userId: string; email: string; via: string }): ActedBy => ({
  actor: { id: who.userId, email: who.email, via: who.via },
  address: clientAddress(request),
});

export type NewAccessLogEntry = {
  action: AccessAction;
  actor?: Actor | null;
  /** For a failed sign-in: the email that was tried. */
  actorEmail?: string | null;
  subject?: { id?: string | null; email: string } | null;
  target?: string | null;
  address: string;
  detail?: Record<string, unknown> | null;
  exportId?: string | null;
  at?: Date;
};

const MAX_TEXT = 320;
const clip = (v: string | null | undefined) => (v == null ? null : v.slice(0, MAX_TEXT));

// Only the access log table: a transaction client (placing a legal hold) can record its entry too.
export async function appendAccessLog(db: Pick<Db, "accessLog">, e: NewAccessLogEntry): Promise<void> {
  await db.accessLog.create({
    data: {
      at: e.at ?? new Date(),
      action: e.action,
      actorId: e.actor?.id ?? null,
      actorEmail: clip(e.actor?.email ?? e.actorEmail),
      subjectUserId: e.subject?.id ?? null,
      subjectEmail: clip(e.subject?.email),
      target: clip(e.target),
      address: clip(e.address) ?? "unknown",
      via: e.actor?.via ?? null,
      detail: e.detail ? JSON.stringify(e.detail) : null,
      exportId: e.exportId ?? null,
    },
  });
}

// ---- reading -------------------------------------------------------------------------------

const emailFilter = z.string().trim().toLowerCase().min(1).max(MAX_TEXT);

/** The /audit page's and its CSV export's filters. */
export const accessLogFilterShape = {
  actor: emailFilter.optional(),
  action: z.enum(ACCESS_ACTIONS, { error: `expected one of ${ACCESS_ACTIONS.join(", ")}` }).optional(),
  subject: emailFilter.optional(),
  ...dateRangeShape,
};
export const accessLogFiltersSchema = z.object(accessLogFilterShape).superRefine(sinceNotAfterUntil);
export type AccessLogFilters = z.output<typeof accessLogFiltersSchema>;

export const accessLogQuerySchema = z
  .object({ ...accessLogFilterShape, limit: limitParam, cursor: cursorParam(z.object({ id: z.number().int() })).optional() })
  .superRefine(sinceNotAfterUntil);
export type AccessLogQuery = z.output<typeof accessLogQuerySchema>;

function accessLogWhere(f: AccessLogFilters): Prisma.AccessLogWhereInput {
  return {
    ...(f.actor ? { actorEmail: f.actor } : {}),
    ...(f.action ? { action: f.action } : {}),
    // "Subject user" covers the staff account acted on and, for views, the IM user looked at.
    ...(f.subject ? { OR: [{ subjectEmail: f.subject }, { action: "user_viewed", target: f.subject }] } : {}),
    ...(f.since || f.until ? { at: { ...(f.since ? { gte: f.since } : {}), ...(f.until ? { lt: f.until } : {}) } } : {}),
  };
}

export type AccessLogItem = {
  id: number;
  at: string;
  action: AccessAction | string;
  actorEmail: string | null;
  subjectEmail: string | null;
  target: string | null;
  address: string;
  via: string | null;
  detail: string | null;
  exportId: string | null;
};

type Row = Awaited<ReturnType<Db["accessLog"]["findMany"]>>[number];
const toItem = (r: Row): AccessLogItem => ({
  id: r.id,
  at: r.at.toISOString(),
  action: r.action,
  actorEmail: r.actorEmail,
  subjectEmail: r.subjectEmail,
  target: r.target,
  address: r.address,
  via: r.via,
  detail: r.detail,
  exportId: r.exportId,
});

/** Newest first; `nextCursor` continues with older entries. */
export async function listAccessLog(db: Db, q: AccessLogQuery): Promise<{ items: AccessLogItem[]; nextCursor: string | null }> {
  const rows = await db.accessLog.findMany({
    where: { ...accessLogWhere(q), ...(q.cursor ? { id: { lt: q.cursor.id } } : {}) },
    orderBy: { id: "desc" },
    take: q.limit + 1,
  });
  const items = rows.slice(0, q.limit).map(toItem);
  const last = items.at(-1);
  const nextCursor = rows.length > q.limit && last ? encodeCursor({ id: last.id }) : null;
  return { items, nextCursor };
}

export const ACCESS_LOG_CSV_COLUMNS = [
  "id",
  "at",
  "action",
  "actor",
  "via",
  "subject",
  "target",
  "address",
  "export_id",
  "detail",
] as const;

const PAGE = 1000;

/** The log as CSV, newest first, read page by page so that a long log never sits in memory. */
export function accessLogCsv(db: Db, filters: AccessLogFilters): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let before: number | undefined;
  let headerSent = false;
  return new ReadableStream({
    async pull(controller) {
      if (!headerSent) {
        headerSent = true;
        controller.enqueue(encoder.encode(ACCESS_LOG_CSV_COLUMNS.join(",") + CRLF));
        return;
      }
      const rows = await db.accessLog.findMany({
        where: { ...accessLogWhere(filters), ...(before !== undefined ? { id: { lt: before } } : {}) },
        orderBy: { id: "desc" },
        take: PAGE,
      });
      const text = rows
        .map((r) =>
          [r.id, r.at.toISOString(), r.action, r.actorEmail, r.via, r.subjectEmail, r.target, r.address, r.exportId, r.detail]
            .map(csvCell)
            .join(","),
        )
        .join(CRLF);
      if (text) controller.enqueue(encoder.encode(text + CRLF));
      const last = rows.at(-1);
      if (rows.length < PAGE || !last) controller.close();
      else before = last.id;
    },
  });
}

/** Records that `who` looked at one recall or one IM user's recalls. */
export async function recordView(
  db: Db,
  who: { userId: string; email: string; via: string },
  request: Request,
  action: "recall_viewed" | "user_viewed",
  target: string,
): Promise<void> {
  await appendAccessLog(db, { action, actor: { id: who.userId, email: who.email, via: who.via }, target, address: clientAddress(request) });
}
