// Every page, API answer and asset carries the security headers; pages get a fresh CSP nonce that
// Next.js puts on its scripts; HSTS only over HTTPS, and only a trusted proxy can say it is.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { apiFetch, renderedMarkup } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { callbackUrl, post, recallBody } from "../support/im";

let app: TestApp;
let proxied: TestApp;
beforeAll(async () => {
  [app, proxied] = await Promise.all([
    startApp(),
    startApp({ env: { TRUST_PROXY: "loopback", PUBLIC_URL: "https://recalls.example.com" } }),
  ]);
});
afterAll(async () => {
  await Promise.all([app?.stop(), proxied?.stop()]);
});

const PATHS = [
  "/",
  "/recalls",
  "/users",
  "/users/alice",
  "/recalls/1",
  "/exports",
  "/no-such-page",
  "/api/recalls",
  "/api/health",
  "/api/users/%FF/trend",
];

function expectSecurityHeaders(res: Response, what: string) {
  const csp = res.headers.get("content-security-policy") ?? "";
  expect(csp, what).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]+=*' 'strict-dynamic'/);
  expect(csp, what).toContain("frame-ancestors 'none'");
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).not.toContain("unsafe-eval");
  expect(res.headers.get("x-content-type-options"), what).toBe("nosniff");
  expect(res.headers.get("referrer-policy"), what).toBe("same-origin");
  expect(res.headers.get("permissions-policy"), what).toContain("camera=()");
}

describe("security headers", () => {
  it.each(PATHS)("are on %s", async (path) => {
    const res = await apiFetch(app, path);
    await res.text();
    expectSecurityHeaders(res, path);
    expect(res.headers.get("strict-transport-security")).toBeNull();
  });

  it("are on the IM callback's answer and on static assets", async () => {
    const html = await (await apiFetch(app, `/recalls`)).text();
    const asset = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
    expect(asset).toBeDefined();
    const js = await fetch(`${app.url}${asset}`);
    expect(js.status).toBe(200);
    await js.text();
    expectSecurityHeaders(js, "asset");
    const res = await fetch(callbackUrl(app.url), { method: "POST", body: JSON.stringify(recallBody()) });
    expect(res.status).toBe(200);
    await res.text();
    expectSecurityHeaders(res, "callback");
  });

  it("give each page a fresh nonce, carried by every script on it", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await apiFetch(app, `/users`);
      const html = await res.text();
      const nonce = /'nonce-([^']+)'/.exec(res.headers.get("content-security-policy") ?? "")?.[1] ?? "";
      nonces.add(nonce);
      const scripts = html.match(/<script\b[^>]*>/g) ?? [];
      expect(scripts.length).toBeGreaterThan(0);
      for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
    }
    expect(nonces.size).toBe(3);
  });

  it("cannot be given a nonce by the client", async () => {
    const res = await apiFetch(app, `/users`, { headers: { "content-security-policy": "script-src 'nonce-attacker'" } });
    const html = await res.text();
    expect(html).not.toContain("attacker");
    expect(res.headers.get("content-security-policy")).not.toContain("attacker");
  });

  it("add HSTS when a trusted proxy says the client used HTTPS, and only then", async () => {
    const https = await apiFetch(proxied, `/`, { headers: { "x-forwarded-proto": "https" } });
    await https.text();
    expect(https.headers.get("strict-transport-security")).toMatch(/^max-age=\d{7,}/);
    expect(https.headers.get("content-security-policy")).toContain("upgrade-insecure-requests");
    const untrusted = await apiFetch(app, `/`, { headers: { "x-forwarded-proto": "https" } });
    await untrusted.text();
    expect(untrusted.headers.get("strict-transport-security")).toBeNull();
  });
});

describe("the overview's callback URL and callback warning", () => {
  it("shows PUBLIC_URL's callback URL whatever Host and X-Forwarded-Host say", async () => {
    const html = renderedMarkup(await (await apiFetch(proxied, `/`, { headers: { "x-forwarded-host": "evil.example" } })).text());
    expect(html).toContain("https://recalls.example.com/api/im/callback");
    expect(html).not.toContain("evil.example");
    expect(html).not.toContain("a guess");
  });

  it("without PUBLIC_URL says the URL is a guess and ignores X-Forwarded-Host", async () => {
    const html = renderedMarkup(await (await apiFetch(app, `/`, { headers: { "x-forwarded-host": "evil.example" } })).text());
    expect(html).not.toContain("evil.example");
    expect(html).toContain(`${app.url}/api/im/callback`);
    expect(html).toMatch(/a guess from this request(&#x27;|')s address/);
  });

  it("warns that callbacks are unauthenticated without IM_CALLBACK_TOKEN", async () => {
    const html = renderedMarkup(await (await apiFetch(app, `/`)).text());
    expect(html).toContain("Callbacks are not authenticated");
    expect(html).toContain("IM_CALLBACK_ALLOWED_CIDRS is not set either");
  });
});

describe("with IM_CALLBACK_TOKEN", () => {
  let signed: TestApp;
  beforeAll(async () => {
    signed = await startApp({ env: { IM_CALLBACK_TOKEN: "a-token" } });
  });
  afterAll(async () => {
    await signed?.stop();
  });

  it("shows no callback warning", async () => {
    const html = renderedMarkup(await (await apiFetch(signed, `/`)).text());
    expect(html).toContain("Callback receiver");
    expect(html).not.toContain("Callbacks are not authenticated");
    expect((await post(callbackUrl(signed.url, { token: "a-token" }), recallBody())).status).toBe(200);
  });
});
