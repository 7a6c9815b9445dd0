// Local stand-ins for the services alert channels post to, each checking its request the way the
// real service documents it, so a wrong signature or shape is a failed delivery in the test:
// - DingTalk robot: timestamp (ms) and sign = urlencode(base64(HMAC-SHA256(key = secret,
//   message = timestamp + "\n" + secret))) in the query, within an hour of now; else errcode 310000.
// - Feishu robot: timestamp (s) and sign = base64(HMAC-SHA256(key = timestamp + "\n" + secret,
//   message = "")) in the body; success is code 0, a bad signature code 19021.
// - WeCom robot: msgtype markdown with content at most 4,096 bytes, or text; errcode 0.
// - A Standard Webhooks consumer verifying with the `standardwebhooks` package.
// - An SMTP server (smtp-server) that keeps every message it accepts.
import { createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { Webhook } from "standardwebhooks";

export type Received = {
  /** When the request arrived (Date.now()), for the alert latency benchmark. */
  at: number;
  path: string;
  query: URLSearchParams;
  rawQuery: string;
  headers: IncomingMessage["headers"];
  body: string;
  json: Record<string, unknown>;
};
export type RobotKind = "dingtalk" | "feishu" | "wecom" | "webhook";

export type Receiver = {
  url: string;
  /** Requests that passed verification and were answered as success. */
  accepted: Received[];
  /** Requests refused (bad signature or shape), with the reason. */
  rejected: { reason: string; request: Received }[];
  /** Answer the next `n` valid requests with HTTP 500 (to exercise retries). */
  failNext(n: number): void;
  close(): Promise<void>;
};

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function verify(kind: RobotKind, secret: string, r: Received): string | null {
  switch (kind) {
    case "dingtalk": {
      const timestamp = r.query.get("timestamp");
      const sign = r.query.get("sign");
      if (!timestamp || !sign) return "timestamp and sign are required in the query";
      if (Math.abs(Date.now() - Number(timestamp)) > 3_600_000) return "timestamp is more than an hour from now";
      const expected = createHmac("sha256", secret).update(`${timestamp}\n${secret}`).digest("base64");
      if (sign !== expected) return "sign not match";
      if (!r.rawQuery.includes(`sign=${encodeURIComponent(expected)}`)) return "sign is not URL-encoded";
      if (r.json.msgtype !== "markdown") return "expected msgtype markdown";
      const md = r.json.markdown as { title?: string; text?: string } | undefined;
      if (!md?.title || !md.text) return "markdown needs title and text";
      return null;
    }
    case "feishu": {
      const timestamp = String(r.json.timestamp ?? "");
      const sign = r.json.sign;
      if (!/^\d{10}$/.test(timestamp)) return "timestamp must be seconds";
      if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 3_600) return "timestamp is more than an hour from now";
      const expected = createHmac("sha256", `${timestamp}\n${secret}`).update("").digest("base64");
      if (sign !== expected) return "sign match fail";
      if (!r.json.msg_type) return "msg_type is required";
      return null;
    }
    case "wecom": {
      if (r.json.msgtype === "markdown") {
        const content = (r.json.markdown as { content?: string } | undefined)?.content ?? "";
        if (!content) return "markdown.content is required";
        if (Buffer.byteLength(content) > 4_096) return "markdown.content exceeds 4096 bytes";
        return null;
      }
      if (r.json.msgtype === "text") {
        const content = (r.json.text as { content?: string } | undefined)?.content ?? "";
        if (!content || Buffer.byteLength(content) > 2_048) return "text.content must be 1..2048 bytes";
        return null;
      }
      return "unknown msgtype";
    }
    case "webhook": {
      try {
        new Webhook(secret.replace(/^whsec_/, "")).verify(r.body, {
          "webhook-id": String(r.headers["webhook-id"] ?? ""),
          "webhook-timestamp": String(r.headers["webhook-timestamp"] ?? ""),
          "webhook-signature": String(r.headers["webhook-signature"] ?? ""),
        });
        return null;
      } catch (error) {
        return `standardwebhooks: ${error instanceof Error ? error.message : String(error)}`;
      }
    }
  }
}

function answer(kind: RobotKind, ok: boolean, reason: string): { status: number; body: unknown } {
  if (kind === "feishu")
    return ok ? { status: 200, body: { code: 0, msg: "success" } } : { status: 200, body: { code: 19021, msg: reason } };
  if (kind === "webhook") return ok ? { status: 200, body: { ok: true } } : { status: 401, body: { error: reason } };
  return ok ? { status: 200, body: { errcode: 0, errmsg: "ok" } } : { status: 200, body: { errcode: 310000, errmsg: reason } };
}

export async function startRobotReceiver(kind: RobotKind, secret: string): Promise<Receiver> {
  const accepted: Received[] = [];
  const rejected: Receiver["rejected"] = [];
  let failures = 0;
  const server: Server = createServer(async (req, res) => {
    const at = Date.now();
    const url = new URL(req.url ?? "/", "http://x");
    const body = await readBody(req);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(body) as Record<string, unknown>;
    } catch {}
    const received: Received = {
      at,
      path: url.pathname,
      query: url.searchParams,
      rawQuery: url.search.slice(1),
      headers: req.headers,
      body,
      json,
    };
    const reason = verify(kind, secret, received);
    if (!reason && failures > 0) {
      failures -= 1;
      res.writeHead(500, { "content-type": "application/json" }).end('{"error":"temporarily failing"}');
      return;
    }
    if (reason) rejected.push({ reason, request: received });
    else accepted.push(received);
    const a = answer(kind, !reason, reason ?? "");
    res.writeHead(a.status, { "content-type": "application/json" }).end(JSON.stringify(a.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const path =
    kind === "wecom"
      ? "/cgi-bin/webhook/send?key=test-key"
      : kind === "dingtalk"
        ? "/robot/send?access_token=test-token"
        : kind === "feishu"
          ? "/open-apis/bot/v2/hook/test-hook"
          : "/hooks/recall-monitor";
  return {
    url: `http://127.0.0.1:${port}${path}`,
    accepted,
    rejected,
    failNext: (n) => {
      failures = n;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export type SmtpReceiver = { port: number; messages: { from: string; to: string[]; raw: string }[]; close(): Promise<void> };

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const messages: SmtpReceiver["messages"] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { port, messages, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
