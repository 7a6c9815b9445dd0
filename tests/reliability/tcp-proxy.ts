// A TCP proxy the test controls, in front of PostgreSQL: `cut()` resets every open connection and
// refuses new ones (the database is unreachable, as when its host or the network goes away),
// `restore()` takes connections again.
import { connect, createServer, type Server, type Socket } from "node:net";

export type TcpProxy = { port: number; cut(): void; restore(): void; close(): Promise<void>; connections(): number };

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = connect(target);
    open.add(client);
    open.add(upstream);
    const drop = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on("error", drop).on("close", drop);
    upstream.on("error", drop).on("close", drop);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  return {
    port,
    cut: () => {
      cut = true;
      for (const s of open) s.resetAndDestroy();
      open.clear();
    },
    restore: () => {
      cut = false;
    },
    connections: () => open.size / 2,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
