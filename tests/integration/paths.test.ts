// Path parameters are decoded exactly once (user "%41" is not user "A"; "100%" is a user ID), and
// a path that is not valid percent-encoding is a 400 in the API's envelope or the not-found page,
// never Next.js's plain-text 500.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UserCounterparts } from "@/lib/users/trend";
import { apiFetch, apiJson } from "../support/api";
import { startApp, type TestApp } from "../support/app";
import { appDb, newRecall, storeTestRecalls } from "../support/recalls";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
  const db = await appDb(app);
  await storeTestRecalls(db, [
    newRecall({ fromAccount: "%41", toAccount: "pct-partner" }),
    newRecall({ fromAccount: "A", toAccount: "plain-partner" }),
    newRecall({ fromAccount: "100%", toAccount: "percent-partner" }),
    newRecall({ fromAccount: "a/b", toAccount: "slash-partner" }),
  ]);
});
afterAll(async () => {
  await app?.stop();
});

const segment = encodeURIComponent;

describe("user IDs in the path", () => {
  it.each([
    ["%41", "pct-partner"],
    ["A", "plain-partner"],
    ["100%", "percent-partner"],
    ["a/b", "slash-partner"],
  ])("user %s has their own API answers", async (userId, partner) => {
    const { status, body } = await apiJson<UserCounterparts>(app, `/api/users/${segment(userId)}/counterparts`);
    expect(status).toBe(200);
    expect(body.userId).toBe(userId);
    expect(body.items.map((i) => i.userId)).toEqual([partner]);
    const trend = await apiJson<{ userId: string }>(app, `/api/users/${segment(userId)}/trend`);
    expect(trend.status).toBe(200);
    expect(trend.body.userId).toBe(userId);
  });

  it("user %41 and user A are different pages", async () => {
    const title = async (userId: string) =>
      /<title>([^<]*)<\/title>/.exec(await (await apiFetch(app, `/users/${segment(userId)}`)).text())?.[1];
    expect(await title("%41")).toBe("%41 · Recall Monitor");
    expect(await title("A")).toBe("A · Recall Monitor");
    expect(await title("100%")).toBe("100% · Recall Monitor");
  });
});

describe("paths that are not valid percent-encoding", () => {
  it.each([
    "/api/users/%FF/trend",
    "/api/recalls/%FF",
    "/api/users/%E0%A4%A/counterparts",
    "/api/users/100%/trend",
    "/api/users/%ED%A0%80/trend",
  ])("%s is a 400 in the API's error envelope", async (path) => {
    const res = await apiFetch(app, path);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({
      error: { code: "invalid_parameter", message: expect.stringMatching(/not valid percent-encoded UTF-8/), parameter: "path" },
    });
  });

  it.each(["/users/%FF", "/recalls/%E0%A4%A", "/users/100%"])("%s is the not-found page", async (path) => {
    const res = await apiFetch(app, path);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    expect(await res.text()).toContain("Page not found");
  });

  it("leaves the server answering", async () => {
    expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
  });
});
