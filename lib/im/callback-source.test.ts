import { expect, it } from "vitest";
import { isAllowedCallbackSource } from "./callback-source";

it("accepts every address when no CIDR is configured, else only those inside one", () => {
  expect(isAllowedCallbackSource("203.0.113.50", [])).toBe(true);
  const allowed = ["198.51.100.0/24", "2001:db8::/32"];
  expect(isAllowedCallbackSource("198.51.100.20", allowed)).toBe(true);
  expect(isAllowedCallbackSource("2001:db8::7", allowed)).toBe(true);
  expect(isAllowedCallbackSource("203.0.113.50", allowed)).toBe(false);
  expect(isAllowedCallbackSource("unknown", allowed)).toBe(false);
});
