// C2C.CallbackAfterSendMsg's body (Tencent intl doc 1047/34365). Only what we store is validated
// strictly (the identity, as a recall's); MsgBody is kept as sent, bounded by the body size limit.
import { z } from "zod";
import { InvalidBodyError, identifierProblem } from "@/lib/im/recall-body";

export const AFTER_SEND_COMMAND = "C2C.CallbackAfterSendMsg";

const MAX_ID_LENGTH = 256;
// A MsgTime outside this window is not a send time (a typo, a test, milliseconds): stored as absent.
export const EARLIEST_SEND_SECONDS = 1_262_304_000; // 2010-01-01
export const FUTURE_SLACK_SECONDS = 86_400;

const id = (field: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .min(1, { error: `${field} must not be empty` })
    .max(MAX_ID_LENGTH, { error: `${field} is longer than ${MAX_ID_LENGTH} characters` })
    .superRefine((value, ctx) => {
      const problem = identifierProblem(field, value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

const element = z.object({
  MsgType: z.string({ error: "MsgBody[].MsgType must be a string" }).max(64, { error: "MsgBody[].MsgType is too long" }),
  MsgContent: z.record(z.string(), z.unknown(), { error: "MsgBody[].MsgContent must be an object" }),
});

export const sendBodySchema = z.object({
  CallbackCommand: z.string({ error: "CallbackCommand must be a string" }).optional(),
  From_Account: id("From_Account"),
  To_Account: id("To_Account"),
  MsgKey: id("MsgKey"),
  MsgTime: z.number({ error: "MsgTime must be a number (seconds)" }).int({ error: "MsgTime must be a whole number" }).nullish(),
  SendMsgResult: z.number({ error: "SendMsgResult must be a number" }).int().nullish(),
  MsgBody: z.array(element, { error: "MsgBody must be an array" }).max(100, { error: "MsgBody has more than 100 elements" }).nullish(),
  CloudCustomData: z.string({ error: "CloudCustomData must be a string" }).nullish(),
});
export type SendBody = z.infer<typeof sendBodySchema>;

/** Parses a C2C.CallbackAfterSendMsg body; the error names the field and the problem. */
export function parseSendBody(text: string): SendBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidBodyError(text.trim() === "" ? "body is empty; expected a JSON object" : "body is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new InvalidBodyError("body must be a JSON object");
  const parsed = sendBodySchema.safeParse(json);
  if (!parsed.success) throw new InvalidBodyError(parsed.error.issues.map((i) => i.message).join("; "));
  if (parsed.data.CallbackCommand !== undefined && parsed.data.CallbackCommand !== AFTER_SEND_COMMAND) {
    throw new InvalidBodyError(
      `CallbackCommand in the body (${JSON.stringify(parsed.data.CallbackCommand.slice(0, 64))}) does not match the URL's`,
    );
  }
  return parsed.data;
}

/** MsgTime as an instant when it is plausible (after 2010, at most a day ahead of `now`). */
export function plausibleSendTime(seconds: number | null | undefined, now: Date): Date | null {
  if (seconds === null || seconds === undefined) return null;
  if (seconds < EARLIEST_SEND_SECONDS || seconds > now.getTime() / 1000 + FUTURE_SLACK_SECONDS) return null;
  return new Date(seconds * 1000);
}

/** The send time a MsgKey of the shape `<seq>_<random>_<unix seconds>` implies (undocumented, so "estimated"). */
export function sendTimeFromMsgKey(msgKey: string, now: Date): Date | null {
  const m = /^\d{1,20}_\d{1,20}_(\d{9,11})$/.exec(msgKey);
  return m?.[1] ? plausibleSendTime(Number(m[1]), now) : null;
}
