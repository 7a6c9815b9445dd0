// The forwarding client against a real local HTTP server: what a backend would see and what IM
// would get back when the backend misbehaves.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { FORWARD_MARK_HEADER, forwardCallback, MAX_FORWARD_RESPONSE_BYTES } from "@/lib/im/forward";
import { relayToBackend } from "@/lib/im/forward-callback";

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  server = undefined;
});

async function backend(handler: RequestListener): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((r) => server?.listen(0, "127.0.0.1", () => r()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/cb`;
}

const request = {
  search: "?SdkAppid=1&CallbackCommand=C2C.CallbackBeforeSendMsg",
  body: Buffer.from("{}"),
  contentType: null,
  clientAddress: "192.0.2.1",
};

describe("forwardCallback", () => {
  it("does not follow a redirect: the callback must not end up elsewhere", async () => {
    let hits = 0;
    const url = await backend((_req, res) => {
      hits += 1;
      res.writeHead(307, { location: "/elsewhere" }).end();
    });
    const result = await forwardCallback({ url, timeoutMs: 1000, onFailure: "allow" }, request);
    expect(result).toEqual({ ok: false, reason: "the backend answered 307 (redirects are not followed)" });
    expect(hits).toBe(1);
  });

  it("gives up on an answer larger than 64 KiB", async () => {
    const url = await backend((_req, res) => res.end(Buffer.alloc(MAX_FORWARD_RESPONSE_BYTES + 1, "x")));
    const result = await forwardCallback({ url, timeoutMs: 1000, onFailure: "allow" }, request);
    expect(result).toEqual({ ok: false, reason: "the backend's answer is larger than 65536 bytes" });
  });

  it("reuses one kept-alive connection for consecutive callbacks and marks each as forwarded", async () => {
    const sockets = new Set<number | undefined>();
    const marks: (string | undefined)[] = [];
    const url = await backend((req, res) => {
      sockets.add(req.socket.remotePort);
      marks.push(req.headers[FORWARD_MARK_HEADER] as string | undefined);
      req.resume();
      req.on("end", () => res.end("{}"));
    });
    for (let i = 0; i < 3; i++)
      expect(await forwardCallback({ url, timeoutMs: 1000, onFailure: "allow" }, request)).toMatchObject({ ok: true });
    expect(sockets.size).toBe(1);
    expect(marks).toEqual(["forwarded", "forwarded", "forwarded"]);
  });
});

describe("relayToBackend", () => {
  it("answers FAIL/1 with IM_FORWARD_ON_FAILURE=fail when the backend is down", async () => {
    const url = await backend((_req, res) => res.end());
    server?.close();
    server?.closeAllConnections();
    const { response, outcome } = await relayToBackend({ url, timeoutMs: 500, onFailure: "fail" }, request, "C2C.CallbackBeforeSendMsg");
    expect(outcome).toBe("fallback:fail");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { ActionStatus: string; ErrorCode: number; ErrorInfo: string };
    expect(body).toMatchObject({ ActionStatus: "FAIL", ErrorCode: 1 });
    expect(body.ErrorInfo).toMatch(/^the app's backend did not answer: forwarding failed: connect ECONNREFUSED/);
  });
});
