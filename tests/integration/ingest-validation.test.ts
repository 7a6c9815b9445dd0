// Regression tests for issue 8's ingest defects, over real HTTP against the production build:
// identity ambiguity (defect 1), IDs IM never sends (1, 2, 9), unbounded command names (5).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_COMMANDS_PER_APP, OTHER_COMMANDS } from "@/lib/recalls/commit-queue";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { callbackUrl, eventually, post, recallBody } from "../support/im";
import { appDb } from "../support/recalls";

const OK = { ActionStatus: "OK", ErrorInfo: "", ErrorCode: 0 };

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

async function rowsFor(msgKey: string) {
  return (await appDb(app)).recall.findMany({ where: { msgKey } });
}

describe("recall identity (defect 1)", () => {
  it("never answers OK for a recall it does not store, whatever U+0000 does to the fields", async () => {
    const msgKey = `nul_${Date.now()}`;
    // Pairs whose fields differ only in where the U+0000 falls, all concurrent so that twins
    // share a batch: (n1\0x -> y) and (n1 -> x\0y), (n2\0x -> y) and (n2 -> x\0y), ...
    const sent = Array.from({ length: 50 }, (_, i) => [
      { From_Account: `n${i}\u0000x`, To_Account: "y" },
      { From_Account: `n${i}`, To_Account: "x\u0000y" },
    ]).flat();
    const answers = await Promise.all(sent.map((ids) => post(callbackUrl(app.url), recallBody({ ...ids, MsgKey: msgKey }))));
    const rows = await rowsFor(msgKey);
    // What a user relies on: every recall answered OK is in the log, exactly once.
    const acknowledged = new Set(sent.filter((_, i) => answers[i]?.json?.ActionStatus === "OK").map((ids) => JSON.stringify(ids)));
    const stored = rows.map((r) => JSON.stringify({ From_Account: r.fromAccount, To_Account: r.toAccount }));
    expect(new Set(stored).size).toBe(stored.length);
    for (const ids of acknowledged) expect(stored).toContain(ids);
    // And IM never sends U+0000 in an ID: each is refused, naming the field.
    for (const [i, answer] of answers.entries()) {
      const field = sent[i]?.From_Account.includes("\u0000") ? "From_Account" : "To_Account";
      expect(answer.status).toBe(400);
      expect(answer.json?.ErrorInfo).toContain(`${field} contains the control character U+0000`);
    }
    expect(rows).toHaveLength(0);
  });

  it("refuses C0 and C1 control characters in From_Account, To_Account and MsgKey with 400 naming the field", async () => {
    for (const field of ["From_Account", "To_Account", "MsgKey"]) {
      for (const ch of ["\u0001", "\u001f", "\u007f", "\u0085", "\u009f", "\n"]) {
        const body = recallBody({ [field]: `id${ch}x` });
        const res = await post(callbackUrl(app.url), body);
        expect(res.status).toBe(400);
        expect(res.json?.ActionStatus).toBe("FAIL");
        expect(res.json?.ErrorInfo).toContain(field);
        if (field !== "MsgKey") expect(await rowsFor(String(body.MsgKey))).toHaveLength(0);
      }
    }
  });
});

describe("IDs that cannot be stored as sent (defects 2 and 9)", () => {
  it("refuses a lone UTF-16 surrogate with 400 instead of storing U+FFFD", async () => {
    for (const field of ["From_Account", "To_Account", "MsgKey"]) {
      const msgKey = `surrogate_${field}_${Date.now()}`;
      // JSON.stringify escapes a lone surrogate as \ud800: valid UTF-8 on the wire.
      const body = JSON.stringify(recallBody({ MsgKey: msgKey, [field]: field === "MsgKey" ? `${msgKey}\ud800` : "x\ud800y" }));
      expect(body).toContain("\\ud800");
      const res = await post(callbackUrl(app.url), body);
      expect(res.status).toBe(400);
      expect(res.json?.ErrorInfo).toContain(`${field} contains a lone UTF-16 surrogate`);
      expect(await (await appDb(app)).recall.count({ where: { msgKey: { startsWith: msgKey } } })).toBe(0);
    }
    // A surrogate pair (an emoji) is a real character and is kept exactly.
    const emoji = recallBody({ From_Account: "a😀b" });
    expect((await post(callbackUrl(app.url), emoji)).json).toEqual(OK);
    expect((await rowsFor(String(emoji.MsgKey)))[0]?.fromAccount).toBe("a😀b");
  });

  it("refuses whitespace-only IDs", async () => {
    for (const field of ["From_Account", "To_Account", "MsgKey"]) {
      for (const blank of [" ", "\u3000", "\u00a0 "]) {
        const body = recallBody({ [field]: blank });
        const res = await post(callbackUrl(app.url), body);
        expect(res.status).toBe(400);
        expect(res.json?.ErrorInfo).toContain(`${field} must not be blank`);
        if (field !== "MsgKey") expect(await rowsFor(String(body.MsgKey))).toHaveLength(0);
      }
    }
  });
});

describe("callback command names (defect 5, ingest)", () => {
  const countsFor = async (sdkAppId: string) => (await appDb(app)).callbackCount.findMany({ where: { sdkAppId } });

  it("refuses a CallbackCommand longer than 64 characters and does not count it", async () => {
    const long = `X.${"a".repeat(8_000)}`;
    const res = await post(callbackUrl(app.url, { command: long }), "{}");
    expect(res.status).toBe(400);
    expect(res.json?.ErrorInfo).toContain("CallbackCommand is longer than 64 characters");
    const ok = await post(callbackUrl(app.url, { command: `X.${"a".repeat(62)}` }), "{}");
    expect(ok.json).toEqual(OK);
    const counts = await eventually(
      () => countsFor(TEST_APP_ID),
      (c) => c.some((row) => row.command.length === 64),
    );
    expect(counts.some((row) => row.command.length === 64)).toBe(true);
    expect(counts.every((row) => row.command.length <= 64)).toBe(true);
  });

  it("counts invented command names beyond a fixed number per app under one bucket", async () => {
    const extra = 25;
    const names = Array.from({ length: MAX_COMMANDS_PER_APP + extra }, (_, i) => `Invented.Cmd${i}`);
    // Sequential: spread over several writes, so the limit holds across batches, not only within one.
    for (const [i, command] of names.entries()) {
      expect((await post(callbackUrl(app.url, { command }), "{}")).json).toEqual(OK);
      if (i % 20 === 19) await new Promise((r) => setTimeout(r, 1_200));
    }
    const counts = await eventually(
      () => countsFor(TEST_APP_ID),
      (c) =>
        c.reduce((sum, row) => sum + (row.command.startsWith("Invented.") || row.command === OTHER_COMMANDS ? Number(row.count) : 0), 0) ===
        names.length,
      10_000,
    );
    expect(counts.length).toBeLessThanOrEqual(MAX_COMMANDS_PER_APP + 1);
    const total = counts
      .filter((row) => row.command.startsWith("Invented.") || row.command === OTHER_COMMANDS)
      .reduce((s, r) => s + Number(r.count), 0);
    // Every callback is still counted: none is lost, the excess shares one row.
    expect(total).toBe(names.length);
    expect(counts.find((row) => row.command === OTHER_COMMANDS)?.count).toBeGreaterThanOrEqual(BigInt(extra));
  });
});
