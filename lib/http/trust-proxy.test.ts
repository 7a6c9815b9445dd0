import { describe, expect, it } from "vitest";
import { compileTrust, parseTrustProxy, resolveClient, TrustProxyError } from "./trust-proxy";

const resolve = (trustProxy: string | undefined, socket: string, forwardedFor?: string, forwardedProto?: string, encrypted = false) =>
  resolveClient({ address: socket, encrypted }, { forwardedFor, forwardedProto }, compileTrust(parseTrustProxy(trustProxy)));

describe("parseTrustProxy", () => {
  it("trusts no proxy by default", () => {
    for (const v of [undefined, "", " ", "none", "0", "false"]) expect(parseTrustProxy(v)).toEqual({ kind: "none" });
  });
  it("reads a number of hops or a list of addresses and CIDRs", () => {
    expect(parseTrustProxy("2")).toEqual({ kind: "hops", hops: 2 });
    expect(parseTrustProxy("loopback, 10.0.0.0/8,2001:db8::/32, 192.0.2.1")).toEqual({
      kind: "addresses",
      entries: ["loopback", "10.0.0.0/8", "2001:db8::/32", "192.0.2.1"],
    });
  });
  it("names the entry it cannot read", () => {
    expect(() => parseTrustProxy("10.0.0.0/8, proxy.example.com")).toThrow(TrustProxyError);
    expect(() => parseTrustProxy("10.0.0.0/8, proxy.example.com")).toThrow(/"proxy.example.com" is not an IP address or CIDR/);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(/"10.0.0.0\/33"/);
  });
});

describe("resolveClient", () => {
  it("ignores X-Forwarded-For and -Proto when no proxy is trusted", () => {
    expect(resolve(undefined, "127.0.0.1", "203.0.113.50", "https")).toEqual({
      address: "127.0.0.1",
      protocol: "http",
      viaTrustedProxy: false,
    });
  });
  it("takes as many hops from the right as TRUST_PROXY says", () => {
    expect(resolve("1", "10.0.0.2", "6.6.6.6, 203.0.113.50").address).toBe("203.0.113.50");
    expect(resolve("2", "10.0.0.2", "6.6.6.6, 203.0.113.50, 10.0.0.1").address).toBe("203.0.113.50");
    // Fewer entries than hops: the leftmost one there is.
    expect(resolve("3", "10.0.0.2", "203.0.113.50").address).toBe("203.0.113.50");
  });
  it("walks trusted addresses from the socket and stops at the first untrusted one", () => {
    expect(resolve("loopback, 10.0.0.0/8", "127.0.0.1", "6.6.6.6, 203.0.113.50, 10.0.0.1").address).toBe("203.0.113.50");
    // A peer outside the list cannot vouch for anyone.
    expect(resolve("10.0.0.0/8", "198.51.100.1", "203.0.113.50").address).toBe("198.51.100.1");
  });
  it("never returns something that is not an IP address (the header as once stored verbatim)", () => {
    expect(resolve("loopback", "127.0.0.1", "203.0.113.50, 10.0.0.1 <b>x</b>").address).toBe("127.0.0.1");
    expect(resolve("2", "10.0.0.2", "<script>, 203.0.113.50").address).toBe("203.0.113.50");
  });
  it("reports IPv4 peers of a dual-stack socket as IPv4", () => {
    expect(resolve(undefined, "::ffff:192.0.2.7").address).toBe("192.0.2.7");
    expect(resolve("loopback", "::ffff:127.0.0.1", "2001:DB8::1").address).toBe("2001:db8::1");
  });
  it("believes X-Forwarded-Proto only from a trusted peer", () => {
    expect(resolve("loopback", "127.0.0.1", "203.0.113.50", "https").protocol).toBe("https");
    expect(resolve("loopback", "198.51.100.1", "203.0.113.50", "https").protocol).toBe("http");
    expect(resolve(undefined, "198.51.100.1", undefined, undefined, true).protocol).toBe("https");
  });
});
