// A stand-in for an app's own backend, for demonstrating forwarding mode (IM_FORWARD_URL) on one
// machine: it answers "before" callbacks (C2C.CallbackBeforeSendMsg, ...) with a chosen ErrorCode
// after a chosen latency, every other command with OK, and counts what it received per command.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type ForwardTargetOptions = {
  host: string;
  port: number;
  /** 0 allow, 1 reject, 2 drop silently, 120001-130000 an app-defined error. */
  errorCode: number;
  latencyMs: number;
};

export type ForwardTarget = { url: string; received: Map<string, number>; close(): Promise<void> };

export function isValidBeforeErrorCode(code: number): boolean {
  return code === 0 || code === 1 || code === 2 || (code >= 120_001 && code <= 130_000);
}

/** A "before" callback's answer decides the message; every other callback just wants OK. */
const isBeforeCallback = (command: string) => /\.CallbackBefore/i.test(command);

export async function startForwardTarget(options: ForwardTargetOptions): Promise<ForwardTarget> {
  const received = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const search = new URL(req.url ?? "/", "http://target").searchParams;
    let command = "(none)";
    for (const [name, value] of search) if (name.toLowerCase() === "callbackcommand") command = value.slice(0, 64);
    received.set(command, (received.get(command) ?? 0) + 1);
    req.resume();
    req.on("end", () => {
      const before = isBeforeCallback(command);
      const body = JSON.stringify({
        ActionStatus: "OK",
        ErrorInfo: before && options.errorCode !== 0 ? `rejected by the simulated backend (ErrorCode ${options.errorCode})` : "",
        ErrorCode: before ? options.errorCode : 0,
      });
      const send = () => res.writeHead(200, { "content-type": "application/json" }).end(body);
      if (before && options.latencyMs > 0) setTimeout(send, options.latencyMs);
      else send();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(":") ? `[${options.host}]` : options.host}:${address.port}/`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
