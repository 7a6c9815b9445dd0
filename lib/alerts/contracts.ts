// What the alert pages and APIs exchange: rule and channel inputs, their kinds and defaults. No
// server imports, so the browser's forms validate with exactly the schemas the API applies.
import { z } from "zod";

export const RULE_KINDS = ["burst", "spike", "silence", "receiver_failing"] as const;
export type RuleKind = (typeof RULE_KINDS)[number];
export const CHANNEL_KINDS = ["wecom", "dingtalk", "feishu", "email", "webhook"] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];
export const CHANNEL_LANGUAGES = ["en", "zh-CN"] as const;
export type ChannelLanguage = (typeof CHANNEL_LANGUAGES)[number];

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const minutes = (max: number) => z.coerce.number().min(0.05).max(max);

/** Each kind's parameters and the defaults. */
export const burstParams = z.object({
  count: int(2, 100_000).default(10),
  windowMinutes: minutes(24 * 60).default(10),
  /** Count per (sender, recipient) pair instead of per sender. */
  perRecipient: z.boolean().default(false),
});
export const spikeParams = z.object({
  windowMinutes: minutes(24 * 60).default(15),
  factor: z.coerce.number().min(1).max(1_000).default(3),
  /** A quiet app does not alert on a handful of recalls. */
  minCount: int(1, 1_000_000).default(20),
});
export const silenceParams = z.object({ minutes: minutes(7 * 24 * 60).default(15) });
export const receiverFailingParams = z.object({
  percent: z.coerce.number().min(0).max(100).default(10),
  /** Fewer recall callbacks than this in the 5 minutes says nothing either way. */
  minCallbacks: int(1, 1_000_000).default(20),
});

export const RECEIVER_FAILING_WINDOW_MINUTES = 5;

export const ruleParamsSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("burst"), params: burstParams.default(burstParams.parse({})) }),
  z.object({ kind: z.literal("spike"), params: spikeParams.default(spikeParams.parse({})) }),
  z.object({ kind: z.literal("silence"), params: silenceParams.default(silenceParams.parse({})) }),
  z.object({ kind: z.literal("receiver_failing"), params: receiverFailingParams.default(receiverFailingParams.parse({})) }),
]);
export type RuleCondition = z.output<typeof ruleParamsSchema>;

const sdkAppId = z.string().regex(/^\d{1,20}$/, { error: "expected a numeric SDKAppID" });

export const ruleCommonSchema = z.object({
  name: z.string().trim().min(1, { error: "expected a name" }).max(100, { error: "expected at most 100 characters" }),
  enabled: z.boolean().default(true),
  /** Empty: every app. */
  apps: z.array(sdkAppId).max(50).default([]),
  channelIds: z.array(z.number().int().positive()).max(20).default([]),
  cooldownMinutes: int(0, 7 * 24 * 60).default(30),
});

export const ruleInputSchema = z.intersection(ruleCommonSchema, ruleParamsSchema);
export type RuleInput = z.output<typeof ruleInputSchema>;

/** For the preview: the condition and apps (and cooldown) only. */
export const rulePreviewSchema = z.intersection(ruleCommonSchema.partial({ name: true }), ruleParamsSchema);

const httpsUrl = z
  .string()
  .trim()
  .max(2_000)
  .refine(
    (v) => {
      try {
        const u = new URL(v);
        return (u.protocol === "https:" || u.protocol === "http:") && !u.username && !u.password;
      } catch {
        return false;
      }
    },
    { error: "expected the robot's full http(s) webhook URL" },
  );

const common = {
  name: z.string().trim().min(1, { error: "expected a name" }).max(100),
  language: z.enum(CHANNEL_LANGUAGES, { error: "expected en or zh-CN" }).default("en"),
  enabled: z.boolean().default(true),
  /** The robots take about 20 messages a minute; more alerts are batched into fewer messages. */
  ratePerMinute: int(1, 600).default(20),
};

export const channelInputSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("wecom"), ...common, url: httpsUrl }),
  z.object({
    kind: z.literal("dingtalk"),
    ...common,
    url: httpsUrl,
    secret: z.string().trim().min(1, { error: "expected the robot's signing secret (SEC...)" }).max(500),
  }),
  z.object({
    kind: z.literal("feishu"),
    ...common,
    url: httpsUrl,
    secret: z.string().trim().min(1, { error: "expected the robot's signing secret" }).max(500),
  }),
  z.object({
    kind: z.literal("email"),
    ...common,
    host: z.string().trim().min(1, { error: "expected the SMTP host" }).max(255),
    port: int(1, 65_535).default(587),
    /** starttls: upgrade on 587 (required); tls: TLS from the start (465); none: plain (local relays only). */
    security: z.enum(["starttls", "tls", "none"]).default("starttls"),
    user: z.string().max(255).optional(),
    password: z.string().max(500).optional(),
    from: z.email({ error: "expected the sender address" }),
    to: z
      .array(z.email({ error: "expected email addresses" }))
      .min(1, { error: "expected at least one recipient" })
      .max(50),
  }),
  z.object({
    kind: z.literal("webhook"),
    ...common,
    url: httpsUrl,
    /** Standard Webhooks secret (whsec_<base64>); generated when omitted and shown once. */
    secret: z
      .string()
      .regex(/^whsec_[A-Za-z0-9+/=]{24,}$/, { error: "expected a Standard Webhooks secret, whsec_ followed by base64" })
      .optional(),
  }),
]);
export type ChannelInput = z.output<typeof channelInputSchema>;

/**
 * A channel's change: pause/resume, or its name, language and rate limit. Where it sends and its
 * secret are not edited (they are never shown again to be edited): add a new channel instead.
 */
export const channelPatchSchema = z
  .object({
    enabled: z.boolean().optional(),
    name: common.name.optional(),
    language: z.enum(CHANNEL_LANGUAGES, { error: "expected en or zh-CN" }).optional(),
    ratePerMinute: int(1, 600).optional(),
  })
  .strict()
  .refine((v) => Object.values(v).some((x) => x !== undefined), { error: "expected enabled, name, language or ratePerMinute" });
export type ChannelPatch = z.output<typeof channelPatchSchema>;

export const idParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, { error: "expected an id (a whole number)" })
    .transform(Number),
});

export const alertListQuery = z.object({
  status: z.enum(["firing", "resolved"]).optional(),
  ruleId: z.coerce.number().int().positive().optional(),
  kind: z.enum(RULE_KINDS).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
