import { describe, expect, it } from "vitest";
import { passwordProblem } from "./password-policy";

describe("passwordProblem", () => {
  it("refuses fewer than 12 characters", () => {
    expect(passwordProblem("elevenchars")).toMatch(/at least 12 characters/);
  });
  it.each(["qwerty123456", "1q2w3e4r5t6y", "QWERTY123456"])("refuses the common password %s", (p) => {
    expect(passwordProblem(p)).toMatch(/common passwords/);
  });
  it("accepts a long uncommon passphrase", () => {
    expect(passwordProblem("tangerine lighthouse 42")).toBeNull();
  });
});
