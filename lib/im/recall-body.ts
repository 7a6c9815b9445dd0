import { z } from "zod";

export const RECALL_COMMAND = "C2C.CallbackAfterMsgWithDraw";

// Tencent UserIDs are at most 32 bytes and MsgKeys are short; the bounds are generous but keep
// a hostile body from filling the database.
const MAX_ID_LENGTH = 256;
const MAX_INT32 = 2_147_483_647;
// Beyond this a Date cannot represent the instant.
const MAX_EPOCH_MS = 8.64e15;

// IM user IDs and MsgKeys never hold C0/C1 control characters; PostgreSQL cannot store U+0000 in
// text at all (22021), and the others are invisible on the dashboard.
// \p{Cc} is exactly U+0000–U+001F and U+007F–U+009F.
const CONTROL_CHARACTER = /\p{Cc}/u;
// A lone UTF-16 surrogate cannot be stored as UTF-8: it would be replaced by U+FFFD, so the
// stored ID would not be the ID IM sent.
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Why `value` cannot be an IM identifier, or undefined if it can. Shared with CallbackCommand. */
export function identifierProblem(field: string, value: string): string | undefined {
  const control = CONTROL_CHARACTER.exec(value);
  if (control) return `${field} contains the control character U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`;
  if (LONE_SURROGATE.test(value)) return `${field} contains a lone UTF-16 surrogate (not a Unicode character)`;
  if (value.trim() === "") return `${field} must not be blank`;
  return undefined;
}

const id = (field: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .min(1, { error: `${field} must not be empty` })
    .max(MAX_ID_LENGTH, { error: `${field} is longer than ${MAX_ID_LENGTH} characters` })
    .superRefine((value, ctx) => {
      const problem = identifierProblem(field, value);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    });

// Doc versions disagree on EventTime: a number of milliseconds here, a numeric string in sibling callbacks.
const eventTime = z
  .union([z.number(), z.string()], { error: "EventTime must be a number or a numeric string (milliseconds)" })
  .transform((v, ctx) => {
    const n = typeof v === "string" && /^\d{1,16}$/.test(v.trim()) ? Number(v.trim()) : v;
    if (typeof n !== "number" || !Number.isInteger(n) || n < 0 || n > MAX_EPOCH_MS) {
      ctx.addIssue({ code: "custom", message: "EventTime must be a whole number of milliseconds since 1970" });
      return z.NEVER;
    }
    return new Date(n);
  });

export const recallBodySchema = z.object({
  CallbackCommand: z.string({ error: "CallbackCommand must be a string" }).optional(),
  From_Account: id("From_Account"),
  To_Account: id("To_Account"),
  MsgKey: id("MsgKey"),
  UnreadMsgNum: z
    .number({ error: "UnreadMsgNum must be a number" })
    .int({ error: "UnreadMsgNum must be a whole number" })
    .min(0, { error: "UnreadMsgNum must not be negative" })
    .max(MAX_INT32, { error: `UnreadMsgNum must be at most ${MAX_INT32}` })
    .nullish(),
  EventTime: eventTime.nullish(),
});
// Unknown extra fields are stripped (zod's default), as the protocol may add fields at any time.

export type RecallBody = z.infer<typeof recallBodySchema>;

export class InvalidBodyError extends Error {}

/** Parses and validates a recall callback body; the error message names the field and the problem. */
export function parseRecallBody(text: string): RecallBody {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InvalidBodyError(text.trim() === "" ? "body is empty; expected a JSON object" : "body is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new InvalidBodyError("body must be a JSON object");
  }
  const parsed = recallBodySchema.safeParse(json);
  if (!parsed.success) throw new InvalidBodyError(parsed.error.issues.map((i) => i.message).join("; "));
  if (parsed.data.CallbackCommand !== undefined && parsed.data.CallbackCommand !== RECALL_COMMAND) {
    throw new InvalidBodyError(
      `CallbackCommand in the body (${JSON.stringify(parsed.data.CallbackCommand.slice(0, 64))}) does not match the URL's`,
    );
  }
  return parsed.data;
}
