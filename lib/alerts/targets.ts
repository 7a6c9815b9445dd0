// Outbound requests of alert channels go only where an admin pointed them, and not into our own
// network: every address a host name resolves to must be public (unless
// ALERTS_ALLOW_PRIVATE_TARGETS=1), and the connection is made to the address that was checked, so
// a DNS answer that changes between the check and the connect (rebinding) cannot slip through.
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";

const blocked = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const)
  blocked.addSubnet(net, prefix, "ipv4");
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001:db8::", 32],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  blocked.addSubnet(net, prefix, "ipv6");

export class PrivateTargetError extends Error {
  override name = "PrivateTargetError";
}

/** Loopback, private, link-local, shared, documentation, multicast or reserved. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blocked.check(address, "ipv4");
  if (family !== 6) return true;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return blocked.check(mapped[1], "ipv4");
  if (/^::ffff:/i.test(address)) return true;
  return blocked.check(address, "ipv6");
}

export type ResolvedTarget = { address: string; family: 4 | 6 };

/**
 * Resolves `host` and checks every address (one private answer refuses the host, since the
 * resolver could hand either out next time). Returns the first address, to connect to.
 */
export async function resolveTarget(host: string, allowPrivate: boolean): Promise<ResolvedTarget> {
  const bare = host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
  const answers = isIP(bare) ? [{ address: bare, family: isIP(bare) }] : await lookup(bare, { all: true, verbatim: true });
  if (answers.length === 0) throw new PrivateTargetError(`${host} does not resolve`);
  if (!allowPrivate) {
    const bad = answers.find((a) => isPrivateAddress(a.address));
    if (bad)
      throw new PrivateTargetError(
        `${host} resolves to ${bad.address}, a loopback or private address: refused (ALERTS_ALLOW_PRIVATE_TARGETS=1 allows it)`,
      );
  }
  const first = answers[0] as { address: string; family: number };
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}
