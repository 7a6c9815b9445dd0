import { availableParallelism } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CORES_BUT_ONE, ConfigError, parseConfig } from "./config";

describe("parseConfig", () => {
  it("reads forwarding mode, off by default", () => {
    expect(parseConfig({}).im.forward).toBeUndefined();
    expect(parseConfig({ IM_FORWARD_URL: "https://backend.example.com/im/cb" }).im.forward).toEqual({
      url: "https://backend.example.com/im/cb",
      timeoutMs: 1500,
      onFailure: "allow",
    });
    expect(
      parseConfig({ IM_FORWARD_URL: "http://10.0.0.5:8080", IM_FORWARD_TIMEOUT_MS: "800", IM_FORWARD_ON_FAILURE: "fail" }).im.forward,
    ).toEqual({ url: "http://10.0.0.5:8080", timeoutMs: 800, onFailure: "fail" });
  });

  it.each([
    [{ IM_FORWARD_URL: "ftp://backend.example.com/" }, /IM_FORWARD_URL: expected an http:\/\/ or https:\/\/ URL/],
    [{ IM_FORWARD_URL: "https://backend.example.com/cb?x=1" }, /IM_FORWARD_URL: .*no query string/],
    [{ IM_FORWARD_TIMEOUT_MS: "2500" }, /IM_FORWARD_TIMEOUT_MS: expected at most 1900 milliseconds/],
    [{ IM_FORWARD_TIMEOUT_MS: "1.5s" }, /IM_FORWARD_TIMEOUT_MS: expected a whole number of milliseconds/],
    [{ IM_FORWARD_ON_FAILURE: "deny" }, /IM_FORWARD_ON_FAILURE: expected allow or fail/],
  ])("refuses bad forwarding settings, naming the variable: %o", (env, message) => {
    expect(() => parseConfig(env)).toThrow(message);
  });

  it("defaults the alert timings to the robots' real limits, and lets tests shorten them", () => {
    expect(parseConfig({}).alerts).toMatchObject({ evaluateMs: 15_000, rateWindowMs: 60_000, retry: { baseMs: 2_000, maxMs: 300_000 } });
    expect(
      parseConfig({ ALERTS_EVALUATE_MS: "300", ALERTS_RATE_WINDOW_MS: "6000", ALERTS_RETRY_BASE_MS: "300", ALERTS_RETRY_MAX_MS: "100" })
        .alerts,
      // A maximum below the base would make the backoff shrink: the base wins.
    ).toMatchObject({ evaluateMs: 300, rateWindowMs: 6_000, retry: { baseMs: 300, maxMs: 300 } });
    expect(() => parseConfig({ ALERTS_RATE_WINDOW_MS: "1m" })).toThrow(/ALERTS_RATE_WINDOW_MS: expected a whole number of milliseconds/);
    expect(() => parseConfig({ ALERTS_RETRY_BASE_MS: "0" })).toThrow(/ALERTS_RETRY_BASE_MS: expected a whole number >= 1/);
  });

  it("starts with sensible defaults and no app configured", () => {
    const c = parseConfig({});
    expect(c.im).toEqual({ sdkAppIds: [], callbackToken: undefined, maxSkewSeconds: 60, allowedCidrs: [] });
    expect(c.trustProxy).toEqual({ kind: "none" });
    expect(c.publicUrl).toBeUndefined();
    expect(c.stream).toEqual({ maxClients: 200, pollMs: 1000, heartbeatMs: 15_000, listenUrl: undefined });
    expect(c.database).toEqual({ dialect: "sqlite", url: "file:./data/recall-monitor.db", file: path.resolve("data/recall-monitor.db") });
    expect(c.port).toBe(3000);
    expect(c.logLevel).toBe("info");
    expect(c.enableBenchRoutes).toBe(false);
  });

  it("runs one dashboard read per core but one (1 to 4) unless DASHBOARD_CONCURRENCY says otherwise", () => {
    const expected = Math.max(1, Math.min(4, availableParallelism() - 1));
    expect(CORES_BUT_ONE).toBe(expected);
    expect(parseConfig({}).dashboard.concurrency).toBe(expected);
    expect(parseConfig({ DASHBOARD_CONCURRENCY: "6" }).dashboard.concurrency).toBe(6);
  });

  it("keeps recalls forever unless RETENTION_DAYS is set, and lets nobody scrape metrics without a token by default", () => {
    expect(parseConfig({}).retention).toEqual({ days: undefined });
    expect(parseConfig({}).metrics).toEqual({ allowedCidrs: [] });
    expect(parseConfig({ RETENTION_DAYS: " 90 " }).retention).toEqual({ days: 90 });
    expect(parseConfig({ METRICS_ALLOWED_CIDRS: "10.0.0.0/8, ::1" }).metrics).toEqual({ allowedCidrs: ["10.0.0.0/8", "::1"] });
    for (const bad of ["0", "-1", "30d", "1.5"]) {
      expect(() => parseConfig({ RETENTION_DAYS: bad })).toThrow(/RETENTION_DAYS: expected a whole number of days/);
    }
    expect(() => parseConfig({ METRICS_ALLOWED_CIDRS: "10.0.0.0/99" })).toThrow(/METRICS_ALLOWED_CIDRS/);
  });

  it("reads several apps, a token, a skew, PostgreSQL and a port", () => {
    const c = parseConfig({
      IM_SDKAPPID: " 1400000001, 1400000002 ",
      IM_CALLBACK_TOKEN: "secret",
      IM_CALLBACK_MAX_SKEW_SECONDS: "300",
      DATABASE_URL: "postgresql://u:p@db:5432/recalls",
      PORT: "8080",
    });
    expect(c.im).toEqual({ sdkAppIds: ["1400000001", "1400000002"], callbackToken: "secret", maxSkewSeconds: 300, allowedCidrs: [] });
    expect(c.database).toEqual({ dialect: "postgresql", url: "postgresql://u:p@db:5432/recalls" });
    expect(c.port).toBe(8080);
  });

  it("reads the proxy trust, callback sources, public URL and stream limit", () => {
    const c = parseConfig({
      TRUST_PROXY: "1",
      IM_CALLBACK_ALLOWED_CIDRS: "203.0.113.0/24, 2001:db8::/32",
      PUBLIC_URL: "https://recalls.example.com/",
      STREAM_MAX_CLIENTS: "50",
    });
    expect(c.trustProxy).toEqual({ kind: "hops", hops: 1 });
    expect(c.im.allowedCidrs).toEqual(["203.0.113.0/24", "2001:db8::/32"]);
    expect(c.publicUrl).toBe("https://recalls.example.com");
    expect(c.stream.maxClients).toBe(50);
  });

  it.each([
    [{ IM_SDKAPPID: "my-app" }, /IM_SDKAPPID: expected a comma-separated list of numeric SDKAppIDs/],
    [{ IM_CALLBACK_MAX_SKEW_SECONDS: "soon" }, /IM_CALLBACK_MAX_SKEW_SECONDS: expected a whole number of seconds/],
    [{ IM_CALLBACK_MAX_SKEW_SECONDS: "0" }, /IM_CALLBACK_MAX_SKEW_SECONDS: expected a whole number >= 1/],
    [{ IM_CALLBACK_MAX_SKEW_SECONDS: "301" }, /IM_CALLBACK_MAX_SKEW_SECONDS: expected at most 300 seconds/],
    [{ TRUST_PROXY: "yes" }, /TRUST_PROXY: "yes" is not an IP address or CIDR/],
    [{ IM_CALLBACK_ALLOWED_CIDRS: "10.0.0.0/8, im.qq.com" }, /IM_CALLBACK_ALLOWED_CIDRS: "im.qq.com" is not an IP address or CIDR/],
    [{ PUBLIC_URL: "recalls.example.com" }, /PUBLIC_URL: expected the URL where users and IM reach this app/],
    [{ STREAM_MAX_CLIENTS: "0" }, /STREAM_MAX_CLIENTS: expected a whole number >= 1/],
    [{ DASHBOARD_CONCURRENCY: "0" }, /DASHBOARD_CONCURRENCY: expected a whole number >= 1/],
    [{ DASHBOARD_CONCURRENCY: "two" }, /DASHBOARD_CONCURRENCY: expected a whole number of requests/],
    [{ DATABASE_URL: "mysql://x" }, /DATABASE_URL: expected file:<path> \(SQLite\) or postgresql:/],
    [{ STREAM_POLL_MS: "soon" }, /STREAM_POLL_MS: expected a whole number of milliseconds/],
    [{ DATABASE_LISTEN_URL: "file:./x.db" }, /DATABASE_LISTEN_URL: expected postgresql:\/\/.*a direct connection/],
    [{ PORT: "99999" }, /PORT: expected a TCP port number/],
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL: expected info, error or silent/],
  ])("names the variable and the expected form for %o", (env, message) => {
    expect(() => parseConfig(env)).toThrow(ConfigError);
    expect(() => parseConfig(env)).toThrow(message);
  });
});
