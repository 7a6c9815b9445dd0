// Slow and many clients: 500 connections held open at once, most sending their request a byte per
// second (to the callback endpoint and the dashboard's APIs), the rest opening live streams
// (/api/recalls/stream, signed in) and never reading them, while ordinary callbacks keep coming.
// Each of those callbacks must be answered OK within IM's 2 s timeout: a callback answered later
// is one IM gave up on. (A behavioural bound, not a performance figure: IM's own timeout.)
import type { Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createApiToken } from "@/lib/auth/api-tokens";
import { startApp, TEST_APP_ID, type TestApp } from "../support/app";
import { createTestStaff } from "../support/auth";
import { createTestDatabase } from "../support/databases";
import { RECALL } from "../support/im";
import { firstStatus, rawSocket } from "./raw-http";
import { callbackLoad, expectAllAcknowledgedStored, rssMb, scale, seededRng, sleep } from "./support";

let app: TestApp | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  await app?.stop();
  app = undefined;
});

const CONNECTIONS = 500;
/** Of which: live streams that are never read (the server allows 10 per account, STREAM_MAX_CLIENTS in all). */
const STREAMS = 150;
const STREAMS_PER_ACCOUNT = 10;
const DURATION_MS = scale(20_000, 300_000);
/** IM's timeout for an answer. */
const IM_TIMEOUT_MS = 2_000;

describe.each(["sqlite", "postgresql"] as const)("slow and many clients (%s)", (dialect) => {
  it(`answers every ordinary callback OK within 2 s while ${CONNECTIONS} connections trickle bytes or hold unread streams`, async () => {
    const { rng } = seededRng(`slow-clients ${dialect}`);
    const a = await startApp({ database: await createTestDatabase(dialect) });
    app = a;
    const { host } = new URL(a.url);

    // Tokens of several viewers: the stream limit is per account.
    const db = await a.db();
    const tokens: string[] = [];
    for (let i = 0; i < STREAMS / STREAMS_PER_ACCOUNT; i++) {
      const staff = await createTestStaff(a, "auditor");
      const created = await createApiToken(
        db,
        { id: staff.id, email: staff.email, role: "auditor" },
        { name: `slow ${i}`, role: "viewer", days: 1 },
        { address: "test", via: "test" },
      );
      tokens.push(created.token);
    }

    const streamStatuses = new Map<number, number>();
    const openStream = async (i: number) => {
      const socket = await rawSocket(a.url);
      sockets.add(socket);
      socket.write(
        `GET /api/recalls/stream HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer ${tokens[i % tokens.length]}\r\nAccept: text/event-stream\r\n\r\n`,
      );
      const status = await firstStatus(socket, 10_000);
      streamStatuses.set(status, (streamStatuses.get(status) ?? 0) + 1);
      // Never read again: the server's writes fill the socket's buffers and stay there.
      socket.pause();
    };

    // A request whose body (or head) comes a byte a second; when the server cuts it off (its request
    // timeout), another takes its place, so the number of connections stays up.
    let stopped = false;
    const admin = (await a.headersFor("admin")).authorization;
    const trickleOutcomes = new Map<string, number>();
    const trickle = async (i: number) => {
      while (!stopped) {
        let socket: Socket;
        try {
          socket = await rawSocket(a.url);
        } catch {
          await sleep(200);
          continue;
        }
        sockets.add(socket);
        const body = JSON.stringify({
          CallbackCommand: RECALL,
          From_Account: `slow${i}`,
          To_Account: "x",
          MsgKey: `slow_${i}_${Date.now()}`,
          UnreadMsgNum: 1,
        });
        const target =
          i % 4 === 0
            ? `/api/admin/holds`
            : `/api/im/callback?SdkAppid=${TEST_APP_ID}&CallbackCommand=${RECALL}&contenttype=json&ClientIP=203.0.113.9&OptPlatform=iOS`;
        const headOnly = i % 5 === 0;
        const auth = target.startsWith("/api/admin") ? `Authorization: ${admin}\r\nContent-Type: application/json\r\n` : "";
        const head = `POST ${target} HTTP/1.1\r\nHost: ${host}\r\n${auth}Content-Length: ${body.length}\r\n${headOnly ? "" : "\r\n"}`;
        socket.write(head);
        const answered = firstStatus(socket, DURATION_MS + 15_000);
        const rest = headOnly ? `X-Slow: ${"a".repeat(60)}\r\n\r\n${body}` : body;
        let sent = 0;
        const timer = setInterval(() => {
          if (stopped || socket.destroyed || sent >= rest.length) return clearInterval(timer);
          socket.write(rest[sent++] ?? "");
        }, 1_000);
        const status = await answered;
        clearInterval(timer);
        socket.destroy();
        sockets.delete(socket);
        const label = status === 0 ? "closed" : status === -1 ? "no answer" : `HTTP ${status}`;
        trickleOutcomes.set(label, (trickleOutcomes.get(label) ?? 0) + 1);
        await sleep(100);
      }
    };

    const baselineMb = rssMb(a.pid());
    // Opened ten at a time, as dashboards are opened, rather than all in the same millisecond.
    for (let i = 0; i < STREAMS; i += 10) await Promise.all(Array.from({ length: Math.min(10, STREAMS - i) }, (_, j) => openStream(i + j)));
    const trickling = Array.from({ length: CONNECTIONS - STREAMS }, (_, i) => trickle(i));
    await sleep(1_000);

    const load = callbackLoad({ url: () => a.url, concurrency: 4, prefix: `slow_${dialect}`, rng, users: 50, timeoutMs: 10_000 });
    await sleep(DURATION_MS);
    await load.stop();
    const peakMb = rssMb(a.pid());
    stopped = true;
    for (const s of sockets) s.destroy();
    await Promise.all(trickling);

    const late = load.history.filter((d) => d.ms > IM_TIMEOUT_MS);
    const worst = Math.max(...load.history.map((d) => d.ms));
    console.log(
      `[slow-clients ${dialect}] ${load.history.length} callbacks, worst answer ${worst.toFixed(0)} ms, outcomes ${JSON.stringify(Object.fromEntries(load.outcomes))}; streams ${JSON.stringify(
        Object.fromEntries(streamStatuses),
      )}; trickling requests ended ${JSON.stringify(Object.fromEntries(trickleOutcomes))}; RSS ${baselineMb.toFixed(0)} -> ${peakMb.toFixed(0)} MB`,
    );
    expect(streamStatuses.get(200), "every stream was opened").toBe(STREAMS);
    expect(load.history.length, "callbacks were answered").toBeGreaterThan(0);
    expect(
      late.slice(0, 10).map((d) => `${d.status} after ${d.ms.toFixed(0)} ms`),
      `${late.length} of ${load.history.length} callbacks answered after IM's 2 s timeout`,
    ).toEqual([]);
    expect(Object.fromEntries(load.outcomes), "every callback answered OK").toEqual({ OK: load.history.length });
    // The server cut the slow senders off itself (408 or a closed connection), never a 5xx.
    expect([...trickleOutcomes.keys()].filter((k) => /HTTP 5/.test(k))).toEqual([]);
    await expectAllAcknowledgedStored(db, load.acknowledged);
  });
});
