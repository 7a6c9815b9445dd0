import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NotFoundError } from "@/lib/api/errors";
import { apiRoute } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";

const schema = z.object({ since: z.string().regex(/^\d{4}$/, { error: "expected a year" }) });
const context = { params: Promise.resolve({}) };

async function call(handler: (request: Request) => Promise<Response>, url = "http://localhost/api/x?since=2026") {
  const res = await apiRoute(handler)(new Request(url), context);
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string; parameter?: string; errorId?: string } },
  };
}

describe("apiRoute", () => {
  it("answers a zod error with 400 invalid_parameter naming the parameter", async () => {
    const res = await call(async (request) => Response.json(parseQuery(schema, request)), "http://localhost/api/x?since=soon");
    expect(res).toEqual({
      status: 400,
      body: { error: { code: "invalid_parameter", message: "since: expected a year", parameter: "since" } },
    });
  });

  it("answers a known domain error with its status and code", async () => {
    const res = await call(async () => {
      throw new NotFoundError("no recall with id 7");
    });
    expect(res).toEqual({ status: 404, body: { error: { code: "not_found", message: "no recall with id 7" } } });
  });

  it("answers anything else with 500 and an id that ties it to the log, without leaking the error", async () => {
    const res = await call(async () => {
      throw new Error("secret connection string");
    });
    expect(res.status).toBe(500);
    expect(res.body.error?.code).toBe("internal_error");
    expect(res.body.error?.errorId).toMatch(/^[a-z0-9]+$/);
    expect(res.body.error?.message).toContain(res.body.error?.errorId);
    expect(JSON.stringify(res.body)).not.toContain("secret");
  });

  it("passes the awaited path parameters to the handler", async () => {
    const route = apiRoute<{ id: string }>(async (_request, params) => Response.json(params));
    const res = await route(new Request("http://localhost/api/x/5"), { params: Promise.resolve({ id: "5" }) });
    expect(await res.json()).toEqual({ id: "5" });
  });
});
