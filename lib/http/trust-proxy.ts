// Which proxies may tell us the client's address (X-Forwarded-For) and protocol
// (X-Forwarded-Proto), and the resolution itself. Pure functions: the custom server (scripts/serve.ts)
// calls them once per request with the socket's address, before any header reaches Next.js.
//
// X-Forwarded-For is a list that every proxy appends to: "client, proxy1, proxy2", and the socket
// address is the last hop. Walking from the socket towards the client, each hop we trust may vouch
// for the one before it; the first hop we do not trust is the client. Any entry to its left was
// written by that untrusted client and is ignored (proxy-addr's rule, as in Express).
import { isIP } from "node:net";
import proxyAddr from "proxy-addr";

export type TrustProxy =
  /** Ignore X-Forwarded-* entirely: the socket's peer is the client. */
  | { kind: "none" }
  /** Trust this many proxy hops nearest to us, whatever their addresses. */
  | { kind: "hops"; hops: number }
  /** Trust hops whose address is in one of these CIDRs/addresses (or proxy-addr's names loopback, linklocal, uniquelocal). */
  | { kind: "addresses"; entries: string[] };

export class TrustProxyError extends Error {
  override name = "TrustProxyError";
}

const NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

/** Parses a comma-separated list of addresses, CIDRs or proxy-addr names; throws TrustProxyError naming the bad entry. */
export function parseAddressList(value: string): string[] {
  const entries = value
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (NAMES.has(entry)) continue;
    try {
      proxyAddr.compile(entry);
    } catch {
      throw new TrustProxyError(`"${entry}" is not an IP address or CIDR (e.g. 10.0.0.0/8, 2001:db8::/32, loopback)`);
    }
  }
  return entries;
}

/** TRUST_PROXY: unset, "" or "none" (the default), a whole number of hops, or a list for parseAddressList. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const v = value?.trim() ?? "";
  if (v === "" || v === "none" || v === "0" || v === "false") return { kind: "none" };
  if (/^\d+$/.test(v)) {
    const hops = Number(v);
    if (hops > 20) throw new TrustProxyError("expected at most 20 proxy hops");
    return { kind: "hops", hops };
  }
  const entries = parseAddressList(v);
  if (entries.length === 0) return { kind: "none" };
  return { kind: "addresses", entries };
}

export type TrustFunction = (address: string, hop: number) => boolean;

export function compileTrust(trust: TrustProxy): TrustFunction {
  if (trust.kind === "none") return () => false;
  if (trust.kind === "hops") {
    const { hops } = trust;
    return (_address, hop) => hop < hops;
  }
  return proxyAddr.compile(trust.entries);
}

/** "::ffff:192.0.2.1" (how a dual-stack socket reports IPv4 peers) as "192.0.2.1"; lower-case IPv6. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  return address.toLowerCase();
}

export type ResolvedClient = {
  address: string;
  protocol: "http" | "https";
  /** Whether the socket's peer is a trusted proxy, whose other X-Forwarded-* headers may then be believed. */
  viaTrustedProxy: boolean;
};

/**
 * The client's address and the protocol it used. Forwarded values count only where the hop that
 * sent them is trusted; an entry that is not an IP address ends the walk (a proxy never writes one,
 * so it was forged or garbled), and the last address that was vouched for is used instead.
 */
export function resolveClient(
  socket: { address: string | undefined; encrypted: boolean },
  headers: { forwardedFor?: string; forwardedProto?: string },
  trust: TrustFunction,
): ResolvedClient {
  const socketAddress = normalizeAddress(socket.address ?? "");
  const peerTrusted = socketAddress !== "" && trust(socketAddress, 0);
  let address = socketAddress;
  if (peerTrusted && headers.forwardedFor) {
    const chain = headers.forwardedFor
      .split(",")
      .map((s) => s.trim())
      .reverse();
    for (let i = 0; i < chain.length; i++) {
      const entry = chain[i] ?? "";
      if (!isIP(entry)) break;
      address = normalizeAddress(entry);
      // hop i+1 is the entry we just took; if we do not trust it, it is the client.
      if (!trust(address, i + 1)) break;
    }
  }
  let protocol: ResolvedClient["protocol"] = socket.encrypted ? "https" : "http";
  if (peerTrusted && headers.forwardedProto) {
    const first = headers.forwardedProto.split(",")[0]?.trim().toLowerCase();
    if (first === "https" || first === "http") protocol = first;
  }
  return { address: address || "unknown", protocol, viaTrustedProxy: peerTrusted };
}
