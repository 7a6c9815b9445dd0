import { describe, expect, it } from "vitest";
import { z } from "zod";
import { NotFoundError, UnavailableError } from "@/lib/api/errors";
import { apiRoute, errorResponse } from "@/lib/api/handler";
import { parseQuery } from "@/lib/api/search-params";

const schema = z.object({ since: z.string().regex(/^\d{4}$/, { error: "expected a year" }) });
const context = { params: Promise.resolve({}) };

async function mapped(run: () => unknown, url = "http://localhost/api/x?since=2026") {
  let res: Response | undefined;
  try {
    run();
  } catch (error) {
    res = errorResponse(error, new Request(url));
  }
  if (!res) throw new Error("expected the function to throw");
  return {
    status: res.status,
    body: (await res.json()) as { error?: { code: string; message: string; parameter?: string; errorId?: string } },
  };
}

describe("errorResponse (every dashboard API's error envelope)", () => {
  it("answers a zod error with 400 invalid_parameter naming the parameter", async () => {
    const url = "http://localhost/api/x?since=soon";
    const res = await mapped(() => parseQuery(schema, new Request(url)), url);
    expect(res).toEqual({
      status: 400,
      body: { error: { code: "invalid_parameter", message: "since: expected a year", parameter: "since" } },
    });
  });

  it("answers a known domain error with its status and code", async () => {
    const res = await mapped(() => {
      throw new NotFoundError("no recall with id 7");
    });
    expect(res).toEqual({ status: 404, body: { error: { code: "not_found", message: "no recall with id 7" } } });
  });

  it("answers 503 with Retry-After when the wait is known to be short, and without it otherwise", async () => {
    const busy = errorResponse(new UnavailableError("the dashboard is busy", 2), new Request("http://localhost/api/x"));
    expect(busy.status).toBe(503);
    expect(busy.headers.get("retry-after")).toBe("2");
    expect(await busy.json()).toEqual({ error: { code: "unavailable", message: "the dashboard is busy" } });
    const over = errorResponse(new UnavailableError("over budget"), new Request("http://localhost/api/x"));
    expect(over.status).toBe(503);
    expect(over.headers.get("retry-after")).toBeNull();
  });

  it("answers anything else with 500 and an id that ties it to the log, without leaking the error", async () => {
    const res = await mapped(() => {
      throw new Error("secret connection string");
    });
    expect(res.status).toBe(500);
    expect(res.body.error?.code).toBe("internal_error");
    expect(res.body.error?.errorId).toMatch(/^[a-z0-9]+$/);
    expect(res.body.error?.message).toContain(res.body.error?.errorId);
    expect(JSON.stringify(res.body)).not.toContain("secret");
  });
});

describe("apiRoute's access check, before the handler runs", () => {
  let called = false;
  const route = apiRoute({ role: "viewer" }, async () => {
    called = true;
    return Response.json({ ran: true });
  });

  it("answers 401 unauthenticated to a request with neither session nor token", async () => {
    const res = await route(new Request("http://localhost/api/x"), context);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { code: "unauthenticated", message: "Sign in first, or send Authorization: Bearer <token>" },
    });
    expect(called).toBe(false);
  });

  it("answers 403 cross_site to a browser request from another site, whatever it carries", async () => {
    const variants: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "https://evil.example", host: "localhost" },
    ];
    for (const headers of variants) {
      const res = await route(new Request("http://localhost/api/x", { headers: { cookie: "a=b", ...headers } }), context);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("cross_site");
    }
    expect(called).toBe(false);
  });
});
