// The one place that reads the environment. Everything else imports `config`.
// Parsed once at start-up: a bad value stops the process with a message naming the variable.
import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import path from "node:path";
import { z } from "zod";
import { parseAddressList, parseTrustProxy, TrustProxyError } from "@/lib/http/trust-proxy";
import { LOCALES } from "@/lib/i18n/locales";
import { type ContentKey, GENERATE_KEY_HINT, parseContentKey } from "@/lib/messages/content-key";

// Scripts run outside Next.js, which loads .env for the app itself; values already in the
// environment win over the file in both cases.
if (existsSync(".env")) process.loadEnvFile(".env");

const DEFAULT_DATABASE_URL = "file:./data/recall-monitor.db";

const sdkAppIds = z
  .string()
  .optional()
  .transform((v) =>
    (v ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((ids) => ids.every((id) => /^\d{1,20}$/.test(id)), {
    error: "expected a comma-separated list of numeric SDKAppIDs, e.g. 1400000000 or 1400000000,1400000001",
  });

/**
 * One fewer than the cores, 1 to 4: how much dashboard work runs at once (the SQLite read threads,
 * DASHBOARD_CONCURRENCY's default), so that a core stays with the receiver.
 */
export const CORES_BUT_ONE = Math.max(1, Math.min(4, availableParallelism() - 1));

const positiveInt = (fallback: number, unit = "seconds") =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === "" ? String(fallback) : v.trim()))
    .pipe(z.string().regex(/^\d+$/, { error: `expected a whole number of ${unit}` }))
    .transform(Number)
    .pipe(z.number().int().min(1, { error: "expected a whole number >= 1" }));

const databaseUrl = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : DEFAULT_DATABASE_URL))
  .refine((v) => v.startsWith("file:") || /^postgres(ql)?:\/\//.test(v), {
    error: "expected file:<path> (SQLite) or postgresql://user:pass@host:port/db",
  });

// Parsed by the same functions the server uses, so a value that starts is a value that works.
const trustProxy = z
  .string()
  .optional()
  .transform((v, ctx) => {
    try {
      return parseTrustProxy(v);
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `${error instanceof TrustProxyError ? error.message : String(error)}; expected none, a number of proxy hops, or a comma-separated list of proxy addresses/CIDRs`,
      });
      return z.NEVER;
    }
  });

const addressList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    try {
      return parseAddressList(v ?? "");
    } catch (error) {
      ctx.addIssue({
        code: "custom",
        message: `${error instanceof TrustProxyError ? error.message : String(error)}; expected a comma-separated list of addresses/CIDRs`,
      });
      return z.NEVER;
    }
  });

const publicUrl = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim().replace(/\/+$/, "") : undefined))
  .refine((v) => v === undefined || (/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(v) && URL.canParse(v)), {
    error: "expected the URL where users and IM reach this app, e.g. https://recalls.example.com",
  });

// Where every callback is forwarded (issue 13). No query or fragment: IM's own query string is
// appended to it unchanged, and a second one would make "the same query string" ambiguous.
const forwardUrl = z
  .string()
  .optional()
  .transform((v) => (v?.trim() ? v.trim() : undefined))
  .refine((v) => v === undefined || (/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(v) && URL.canParse(v)), {
    error: "expected an http:// or https:// URL with no query string or fragment, e.g. https://backend.example.com/im/callback",
  });

/** At least 32 characters, not one character repeated: `openssl rand -base64 32` gives one. */
export const authSecret = z
  .string()
  .min(32, { error: "expected at least 32 characters (generate one with: openssl rand -base64 32)" })
  .refine((v) => new Set(v).size >= 8, { error: "too simple: use a random value (openssl rand -base64 32)" });

/** Where `npm start` keeps the generated secret when AUTH_SECRET is not set. */
export const AUTH_SECRET_FILE = path.resolve("data", "auth-secret");

function resolveAuthSecret(fromEnv: string | undefined, env: Record<string, string | undefined>, secretFile: string): string | undefined {
  if (fromEnv) return fromEnv;
  if (existsSync(secretFile)) {
    const parsed = authSecret.safeParse(readFileSync(secretFile, "utf8").trim());
    if (!parsed.success)
      throw new ConfigError(`Invalid configuration:\n  AUTH_SECRET (from ${secretFile}): ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }
  // `next build` runs with NODE_ENV=production but signs nothing; the server checks at start-up.
  if (env.NODE_ENV === "production" && env.NEXT_PHASE !== "phase-production-build") {
    throw new ConfigError(
      "Invalid configuration (see .env.example):\n  AUTH_SECRET: required in production (set it, or run `npm start` once to generate data/auth-secret)",
    );
  }
  return undefined;
}

const contentKeys = z
  .string()
  .optional()
  .transform((v, ctx): ContentKey[] => {
    try {
      return (v ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
        .map(parseContentKey);
    } catch (error) {
      ctx.addIssue({ code: "custom", message: error instanceof Error ? error.message : String(error) });
      return z.NEVER;
    }
  });

const envSchema = z.object({
  IM_SDKAPPID: sdkAppIds,
  /** 1: keep sent messages' bodies (encrypted) so recalls show what was recalled (docs/message-capture.md). */
  IM_CAPTURE_MESSAGES: z
    .enum(["0", "1", "true", "false", ""], { error: "expected 1 or 0" })
    .optional()
    .transform((v) => v === "1" || v === "true"),
  /** 32 bytes, base64: encrypts captured content. Required when IM_CAPTURE_MESSAGES=1. */
  MESSAGE_CONTENT_KEY: contentKeys.refine((keys) => keys.length <= 1, {
    error: "expected one key (the keys it replaced go in MESSAGE_CONTENT_OLD_KEYS)",
  }),
  /** Comma-separated keys MESSAGE_CONTENT_KEY replaced: still decrypt the rows they encrypted. */
  MESSAGE_CONTENT_OLD_KEYS: contentKeys,
  /** Unrecalled messages (and their content) are deleted this long after they arrived. */
  MESSAGE_RETENTION_HOURS: positiveInt(72, "hours"),
  /** The overview ranks recall rates only among users who sent at least this many messages. */
  RECALL_RATE_MIN_MESSAGES: positiveInt(20, "messages"),
  IM_CALLBACK_TOKEN: z
    .string()
    .optional()
    .transform((v) => (v?.length ? v : undefined)),
  // IM's Sign covers only the token and RequestTime, so this window is also the replay window.
  IM_CALLBACK_MAX_SKEW_SECONDS: positiveInt(60).pipe(
    z.number().max(300, { error: "expected at most 300 seconds (it is also the replay window)" }),
  ),
  IM_CALLBACK_ALLOWED_CIDRS: addressList,
  TRUST_PROXY: trustProxy,
  IM_FORWARD_URL: forwardUrl,
  // IM waits 2 s for the whole answer: the backend gets at most this much of it.
  IM_FORWARD_TIMEOUT_MS: positiveInt(1_500, "milliseconds").pipe(
    z.number().max(1_900, { error: "expected at most 1900 milliseconds (IM waits 2 s for the answer)" }),
  ),
  IM_FORWARD_ON_FAILURE: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : "allow"))
    .pipe(z.enum(["allow", "fail"], { error: "expected allow or fail" })),
  PUBLIC_URL: publicUrl,
  STREAM_MAX_CLIENTS: positiveInt(200, "streams"),
  /** How often an open live stream looks for new rows when nothing woke it (see lib/recalls/stream.ts). */
  STREAM_POLL_MS: positiveInt(1_000, "milliseconds"),
  /**
   * How often an open live stream sends a heartbeat and checks that its owner may still read it
   * (signed out, session ended, token revoked, account disabled: the stream ends).
   */
  STREAM_HEARTBEAT_MS: positiveInt(15_000, "milliseconds"),
  /** Addresses/CIDRs that may scrape /api/metrics without a token (after TRUST_PROXY). */
  METRICS_ALLOWED_CIDRS: addressList,
  /** Recalls older than this many days are deleted in the background; unset keeps them forever. */
  RETENTION_DAYS: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(
      z
        .string()
        .regex(/^\d+$/, { error: "expected a whole number of days, or unset to keep recalls forever" })
        .transform(Number)
        .pipe(z.number().int().min(1, { error: "expected a whole number of days >= 1, or unset to keep recalls forever" }))
        .optional(),
    ),
  DATABASE_URL: databaseUrl,
  /** PostgreSQL: where the live stream LISTENs; a direct connection when DATABASE_URL goes through a transaction pooler. */
  DATABASE_LISTEN_URL: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), {
      error: "expected postgresql://user:pass@host:port/db, a direct connection (not through a transaction pooler)",
    }),
  /** The overview warns when no callback has arrived for this long. */
  CALLBACK_SILENCE_WARNING_MINUTES: positiveInt(15, "minutes"),
  /**
   * Dashboard reads one instance runs at once (lib/api/dashboard-gate.ts). By default one fewer
   * than the cores (at least 1, at most 4), leaving a core to the receiver.
   */
  DASHBOARD_CONCURRENCY: positiveInt(CORES_BUT_ONE, "requests"),
  PORT: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : "3000"))
    .pipe(z.string().regex(/^\d{1,5}$/, { error: "expected a TCP port number" }))
    .transform(Number)
    .pipe(z.number().int().min(1).max(65535, { error: "expected a TCP port number" })),
  LOG_LEVEL: z.enum(["info", "error", "silent"], { error: "expected info, error or silent" }).default("info"),
  /** Signs session cookies. Unset: data/auth-secret (which `npm start` creates), else an error in production. */
  AUTH_SECRET: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(authSecret.optional()),
  /** A session not used for this long ends. */
  SESSION_IDLE_MINUTES: positiveInt(480, "minutes"),
  /** A session ends this long after sign-in however much it is used. */
  SESSION_MAX_HOURS: positiveInt(24, "hours"),
  ENABLE_BENCH_ROUTES: z
    .enum(["0", "1", "true", "false", ""], { error: "expected 1 or 0" })
    .optional()
    .transform((v) => v === "1" || v === "true"),
  /** How often alert rules are evaluated (lib/alerts/evaluator.ts); at most 30 s. */
  ALERTS_EVALUATE_MS: positiveInt(15_000, "milliseconds").pipe(
    z.number().min(200, { error: "expected at least 200 milliseconds" }).max(30_000, { error: "expected at most 30000 milliseconds" }),
  ),
  /**
   * The per-channel rate limit counts messages in this window (lib/alerts/delivery.ts). 60 s: the
   * robots' own limit is about 20 messages per minute. Tests shorten it so batching is seen in seconds.
   */
  ALERTS_RATE_WINDOW_MS: positiveInt(60_000, "milliseconds").pipe(
    z.number().min(100, { error: "expected at least 100 milliseconds" }).max(3_600_000, { error: "expected at most 3600000 milliseconds" }),
  ),
  /** A failed delivery waits this long before its first retry, doubling each time (2 s, 4 s, 8 s ...). */
  ALERTS_RETRY_BASE_MS: positiveInt(2_000, "milliseconds").pipe(
    z.number().min(10, { error: "expected at least 10 milliseconds" }).max(600_000, { error: "expected at most 600000 milliseconds" }),
  ),
  /** The longest wait between two retries of a failed delivery. */
  ALERTS_RETRY_MAX_MS: positiveInt(300_000, "milliseconds").pipe(
    z.number().min(10, { error: "expected at least 10 milliseconds" }).max(3_600_000, { error: "expected at most 3600000 milliseconds" }),
  ),
  /** Encrypts channel secrets at rest; unset: a key derived from AUTH_SECRET (lib/alerts/secrets.ts). */
  ALERTS_SECRET_KEY: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : undefined))
    .pipe(z.string().min(32, { error: "expected at least 32 random characters (openssl rand -base64 32)" }).optional()),
  /** 1 lets channel URLs and SMTP hosts point at loopback/private addresses (tests, an internal relay). */
  ALERTS_ALLOW_PRIVATE_TARGETS: z
    .enum(["0", "1", "true", "false", ""], { error: "expected 1 or 0" })
    .optional()
    .transform((v) => v === "1" || v === "true"),
  /** The dashboard's language when neither the staff member, a cookie nor Accept-Language chooses one. */
  DEFAULT_LOCALE: z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? v.trim() : "en"))
    .pipe(z.enum(LOCALES, { error: `expected one of ${LOCALES.join(", ")}` })),
});

export class ConfigError extends Error {
  override name = "ConfigError";
}

function formatIssues(error: z.ZodError): string {
  return error.issues.map((i) => `  ${String(i.path[0] ?? "?")}: ${i.message}`).join("\n");
}

export function parseConfig(env: Record<string, string | undefined>, options: { authSecretFile?: string } = {}) {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(`Invalid configuration (see .env.example):\n${formatIssues(parsed.error)}`);
  }
  const e = parsed.data;
  const [currentKey] = e.MESSAGE_CONTENT_KEY;
  if (e.IM_CAPTURE_MESSAGES && !currentKey) {
    throw new ConfigError(
      `Invalid configuration (see .env.example):\n  MESSAGE_CONTENT_KEY: required when IM_CAPTURE_MESSAGES=1 (32 bytes, base64; ${GENERATE_KEY_HINT})`,
    );
  }
  const isPostgres = e.DATABASE_URL.startsWith("postgres");
  return {
    im: {
      /** The apps whose callbacks we accept; empty means "not set up yet". */
      sdkAppIds: e.IM_SDKAPPID,
      callbackToken: e.IM_CALLBACK_TOKEN,
      maxSkewSeconds: e.IM_CALLBACK_MAX_SKEW_SECONDS,
      /** Empty: callbacks from any address; otherwise only from these (after TRUST_PROXY). */
      allowedCidrs: e.IM_CALLBACK_ALLOWED_CIDRS,
      /** Unset: callbacks are not forwarded. Otherwise every callback goes to `url` too (lib/im/forward.ts). */
      forward: e.IM_FORWARD_URL
        ? { url: e.IM_FORWARD_URL, timeoutMs: e.IM_FORWARD_TIMEOUT_MS, onFailure: e.IM_FORWARD_ON_FAILURE }
        : undefined,
      /** Undefined: sent messages are counted, their content is not kept (lib/messages). */
      capture: e.IM_CAPTURE_MESSAGES && currentKey ? { key: currentKey } : undefined,
    },
    messages: {
      captureEnabled: e.IM_CAPTURE_MESSAGES,
      /** Every key that may decrypt stored content: the current one first. */
      keys: [...(currentKey ? [currentKey] : []), ...e.MESSAGE_CONTENT_OLD_KEYS],
      retentionHours: e.MESSAGE_RETENTION_HOURS,
      recallRateMinMessages: e.RECALL_RATE_MIN_MESSAGES,
    },
    /** Which proxies may set X-Forwarded-For/-Proto (see lib/http/trust-proxy.ts). */
    trustProxy: e.TRUST_PROXY,
    /** Where users and IM reach the app; shown as the callback URL. Unset: the overview shows a guess. */
    publicUrl: e.PUBLIC_URL,
    /** listenUrl: PostgreSQL connection for LISTEN (lib/recalls/pg-listener.ts); unset means DATABASE_URL. */
    stream: {
      maxClients: e.STREAM_MAX_CLIENTS,
      pollMs: e.STREAM_POLL_MS,
      heartbeatMs: e.STREAM_HEARTBEAT_MS,
      listenUrl: e.DATABASE_LISTEN_URL,
    },
    /** Empty: /api/metrics needs an API token; otherwise these addresses may scrape without one. */
    metrics: { allowedCidrs: e.METRICS_ALLOWED_CIDRS },
    /** Undefined: keep recalls forever (lib/recalls/retention.ts). */
    retention: { days: e.RETENTION_DAYS },
    database: isPostgres
      ? { dialect: "postgresql" as const, url: e.DATABASE_URL }
      : {
          dialect: "sqlite" as const,
          url: e.DATABASE_URL,
          // Relative paths are relative to the working directory, as in Prisma's own CLI.
          file: path.resolve(e.DATABASE_URL.slice("file:".length)),
        },
    dashboard: {
      callbackSilenceWarningMinutes: e.CALLBACK_SILENCE_WARNING_MINUTES,
      concurrency: e.DASHBOARD_CONCURRENCY,
    },
    auth: {
      /** Undefined only outside production with no secret anywhere: lib/auth uses a per-process one. */
      secret: resolveAuthSecret(e.AUTH_SECRET, env, options.authSecretFile ?? AUTH_SECRET_FILE),
      sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
      sessionMaxHours: e.SESSION_MAX_HOURS,
    },
    port: e.PORT,
    logLevel: e.LOG_LEVEL,
    enableBenchRoutes: e.ENABLE_BENCH_ROUTES,
    alerts: {
      evaluateMs: e.ALERTS_EVALUATE_MS,
      rateWindowMs: e.ALERTS_RATE_WINDOW_MS,
      retry: { baseMs: e.ALERTS_RETRY_BASE_MS, maxMs: Math.max(e.ALERTS_RETRY_BASE_MS, e.ALERTS_RETRY_MAX_MS) },
      secretKey: e.ALERTS_SECRET_KEY,
      allowPrivateTargets: e.ALERTS_ALLOW_PRIVATE_TARGETS,
    },
    /** lib/i18n/request.ts: saved choice, then cookie, then Accept-Language, then this. */
    i18n: { defaultLocale: e.DEFAULT_LOCALE },
  };
}

export type Config = ReturnType<typeof parseConfig>;

export const config: Config = parseConfig(process.env);
