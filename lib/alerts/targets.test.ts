import { expect, it } from "vitest";
import { isPrivateAddress, PrivateTargetError, resolveTarget } from "@/lib/alerts/targets";

it("tells private, loopback and reserved addresses from public ones, IPv4-mapped IPv6 included", () => {
  for (const a of [
    "127.0.0.1",
    "10.0.0.1",
    "172.16.5.4",
    "192.168.0.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "::ffff:10.0.0.1",
    "::ffff:7f00:1",
  ])
    expect(isPrivateAddress(a), a).toBe(true);
  for (const a of ["1.1.1.1", "8.8.8.8", "172.32.0.1", "2606:4700:4700::1111", "::ffff:1.1.1.1"])
    expect(isPrivateAddress(a), a).toBe(false);
});

it("refuses a host name that resolves to loopback unless private targets are allowed", async () => {
  await expect(resolveTarget("localhost", false)).rejects.toBeInstanceOf(PrivateTargetError);
  await expect(resolveTarget("localhost", true)).resolves.toMatchObject({ address: expect.any(String) });
});
