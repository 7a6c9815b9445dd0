// A live stream outlives the request that authorised it: signing out, ending a session, revoking a
// token or disabling the account must end the streams it opened too (checked at every heartbeat,
// STREAM_HEARTBEAT_MS), while the owner's other, still valid, streams stay open.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens";
import { startApp, type TestApp } from "../support/app";
import { createTestStaff, signInCookie } from "../support/auth";
import { appDb } from "../support/recalls";
import { openSse, type SseConnection } from "../support/sse";

let app: TestApp;
beforeAll(async () => {
  app = await startApp({ env: { STREAM_HEARTBEAT_MS: "300" } });
});
afterAll(async () => {
  await app?.stop();
});

const streamUrl = () => `${app.url}/api/recalls/stream`;

/** Whether the server ended `sse` within `ms` (it is left open otherwise). */
async function endsWithin(sse: SseConnection, ms: number): Promise<boolean> {
  return Promise.race([sse.ended.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
}

const revokedCount = () => app.logs().split('"reason":"access_revoked"').length - 1;

describe("an open live stream", () => {
  it("ends once its session signs out; the same person's other session keeps its stream", async () => {
    const viewer = await createTestStaff(app, "viewer");
    const [leaving, staying] = [await signInCookie(app, viewer), await signInCookie(app, viewer)];
    const [gone, kept] = [await openSse(streamUrl(), { cookie: leaving }), await openSse(streamUrl(), { cookie: staying })];
    expect([gone.status, kept.status]).toEqual([200, 200]);
    const before = revokedCount();
    // Several heartbeats pass: a valid session's stream is not ended by the check.
    expect(await endsWithin(gone, 1_500)).toBe(false);

    const out = await fetch(`${app.url}/api/auth/sign-out`, {
      method: "POST",
      headers: { cookie: leaving, origin: app.url, "content-type": "application/json" },
      body: "{}",
    });
    expect(out.status).toBe(200);
    expect(await endsWithin(gone, 10_000)).toBe(true);
    expect(await endsWithin(kept, 1_500)).toBe(false);
    expect(revokedCount()).toBe(before + 1);
    kept.close();
  });

  it("ends when its API token is revoked, and when its owner's account is disabled", async () => {
    const auditor = await createTestStaff(app, "auditor");
    const db = await appDb(app);
    const make = async (name: string) => createApiToken(db, auditor, { name, role: "viewer", days: 1 }, { address: "test", via: "test" });
    const [revoked, other] = [await make("revoked"), await make("other")];
    const viaRevoked = await openSse(streamUrl(), { authorization: `Bearer ${revoked.token}` });
    const viaOther = await openSse(streamUrl(), { authorization: `Bearer ${other.token}` });
    expect([viaRevoked.status, viaOther.status]).toEqual([200, 200]);

    await db.apiToken.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    expect(await endsWithin(viaRevoked, 10_000)).toBe(true);
    expect(await endsWithin(viaOther, 1_500)).toBe(false);

    const session = await openSse(streamUrl(), { cookie: await signInCookie(app, auditor) });
    expect(session.status).toBe(200);
    await db.staff.update({ where: { id: auditor.id }, data: { banned: true } });
    expect(await endsWithin(viaOther, 10_000)).toBe(true);
    expect(await endsWithin(session, 10_000)).toBe(true);
  });
});
