// Alert configuration cannot be used to probe the internal network: without
// ALERTS_ALLOW_PRIVATE_TARGETS=1, a channel whose URL or SMTP host is, or resolves to, a loopback
// or private address is refused with a 400 naming the field, and nothing is stored.
import { afterAll, beforeAll, expect, it } from "vitest";
import { apiJson } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { appDb } from "../support/recalls";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

const create = (body: unknown) =>
  apiJson<{ error?: { code: string; parameter?: string; message: string } }>(app, "/api/admin/channels", {
    method: "POST",
    body: JSON.stringify(body),
    headers: { "content-type": "application/json" },
  });

it("refuses loopback, private and link-local channel targets, by address or by name", async () => {
  for (const url of [
    `${app.url}/api/health`,
    "http://localhost:3000/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.20/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
  ]) {
    const res = await create({ kind: "wecom", name: "probe", url });
    expect(res.status, url).toBe(400);
    expect(res.body.error, url).toMatchObject({ code: "invalid_parameter", parameter: "url" });
    expect(res.body.error?.message, url).toMatch(/loopback or private address/);
  }
  const smtp = await create({
    kind: "email",
    name: "probe",
    host: "127.0.0.1",
    port: 25,
    security: "none",
    from: "a@example.com",
    to: ["b@example.com"],
  });
  expect(smtp.status).toBe(400);
  expect(smtp.body.error).toMatchObject({ parameter: "host" });
  expect(await (await appDb(app)).alertChannel.count()).toBe(0);
});
