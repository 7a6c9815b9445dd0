// Saved views and the saved language over real HTTP, on each database: ownership, sharing, the
// unique name per owner and page, and precise 4xx answers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "@/lib/auth/roles";
import type { SavedViewItem } from "@/lib/views/contract";
import { startApp, type TestApp } from "../support/app";

let app: TestApp;
beforeAll(async () => {
  app = await startApp();
});
afterAll(async () => {
  await app?.stop();
});

async function call<T>(role: Role, path: string, method = "GET", body?: unknown): Promise<{ status: number; body: T }> {
  const headers = { ...(await app.headersFor(role)), "content-type": "application/json" };
  const res = await fetch(`${app.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as T };
}

describe("saved views", () => {
  it("keeps private views private, lists shared ones for everyone, and lets only the owner change one", async () => {
    const created = await call<SavedViewItem>("auditor", "/api/views", "POST", {
      page: "/recalls",
      name: "iOS",
      query: "?platform=iOS&cursor=x",
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      page: "/recalls",
      name: "iOS",
      query: "platform=iOS",
      shared: false,
      mine: true,
      canDelete: true,
    });
    const id = created.body.id;

    expect((await call<{ items: SavedViewItem[] }>("viewer", "/api/views")).body.items).toEqual([]);
    expect((await call("viewer", `/api/views/${id}`, "PATCH", { shared: true })).status).toBe(404);

    expect((await call<SavedViewItem>("auditor", `/api/views/${id}`, "PATCH", { shared: true })).body.shared).toBe(true);
    const seen = (await call<{ items: SavedViewItem[] }>("viewer", "/api/views?page=/recalls")).body.items;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id, mine: false, canDelete: false });
    expect((await call("viewer", `/api/views/${id}`, "PATCH", { name: "taken" })).status).toBe(403);
    expect((await call("viewer", `/api/views/${id}`, "DELETE")).status).toBe(403);

    // The admin may delete a shared view, not rename it.
    expect((await call("admin", `/api/views/${id}`, "PATCH", { name: "x" })).status).toBe(403);
    expect((await call("admin", `/api/views/${id}`, "DELETE")).status).toBe(200);
    expect((await call<{ items: SavedViewItem[] }>("auditor", "/api/views")).body.items).toEqual([]);
  });

  it("refuses a second view of the same name on a page with 409, and bad input with a 400 naming the field", async () => {
    expect((await call("viewer", "/api/views", "POST", { page: "/users", name: "Top", query: "sort=recallsSent" })).status).toBe(201);
    const again = await call<{ error: { code: string } }>("viewer", "/api/views", "POST", { page: "/users", name: "Top", query: "" });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe("conflict");
    // The same name on another page is another view.
    expect((await call("viewer", "/api/views", "POST", { page: "/", name: "Top", query: "" })).status).toBe(201);
    for (const [body, parameter] of [
      [{ page: "/nowhere", name: "a", query: "" }, "page"],
      [{ page: "/users", name: "", query: "" }, "name"],
      [{ page: "/users", name: "b", query: "x".repeat(2001) }, "query"],
      [{ page: "/users", name: "c", query: "", shared: "yes" }, "shared"],
    ] as const) {
      const res = await call<{ error: { code: string; parameter?: string } }>("viewer", "/api/views", "POST", body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: "invalid_parameter", parameter });
    }
    expect((await call("viewer", "/api/views/not-a-uuid", "DELETE")).status).toBe(400);
  });
});

describe("saved language", () => {
  it("stores the choice on the account and answers with the cookie", async () => {
    const headers = { ...(await app.headersFor("viewer")), "content-type": "application/json" };
    const res = await fetch(`${app.url}/api/me/locale`, { method: "PUT", headers, body: JSON.stringify({ locale: "zh-CN" }) });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toMatch(/^locale=zh-CN; Path=\//);
    const db = await app.db();
    const staff = await db.staff.findMany({ where: { locale: "zh-CN" } });
    expect(staff.map((s) => s.role)).toEqual(["viewer"]);
    const bad = await fetch(`${app.url}/api/me/locale`, { method: "PUT", headers, body: JSON.stringify({ locale: "de" }) });
    expect(bad.status).toBe(400);
  });
});
