import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "@/lib/config";
import { ensureAuthSecretFile } from "./secret-file";

const scratch = () => mkdtempSync(path.join(tmpdir(), "rm-secret-"));

describe("ensureAuthSecretFile (first `npm start` of a fresh clone)", () => {
  it("writes a random secret readable by the owner only, which the configuration then uses", () => {
    const file = path.join(scratch(), "data", "auth-secret");
    expect(ensureAuthSecretFile(file, {})).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const secret = readFileSync(file, "utf8").trim();
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(parseConfig({ NODE_ENV: "production" }, { authSecretFile: file }).auth.secret).toBe(secret);
  });

  it("keeps an existing file and does nothing when AUTH_SECRET is set", () => {
    const dir = scratch();
    const file = path.join(dir, "auth-secret");
    writeFileSync(file, "existing-secret-existing-secret-existing\n");
    expect(ensureAuthSecretFile(file, {})).toBe(false);
    expect(readFileSync(file, "utf8")).toBe("existing-secret-existing-secret-existing\n");
    expect(ensureAuthSecretFile(path.join(dir, "other"), { AUTH_SECRET: "x".repeat(40) })).toBe(false);
  });
});

describe("AUTH_SECRET in the configuration", () => {
  const none = path.join(tmpdir(), "rm-no-such-secret-file");

  it("is required in production, naming the variable and how to get one", () => {
    expect(() => parseConfig({ NODE_ENV: "production" }, { authSecretFile: none })).toThrow(/AUTH_SECRET: required in production/);
  });

  it("is optional outside production and while building", () => {
    expect(parseConfig({}, { authSecretFile: none }).auth.secret).toBeUndefined();
    expect(
      parseConfig({ NODE_ENV: "production", NEXT_PHASE: "phase-production-build" }, { authSecretFile: none }).auth.secret,
    ).toBeUndefined();
  });

  it("refuses a short or trivial value, naming it", () => {
    expect(() => parseConfig({ AUTH_SECRET: "short" })).toThrow(/AUTH_SECRET: expected at least 32 characters/);
    expect(() => parseConfig({ AUTH_SECRET: "ab".repeat(20) })).toThrow(/AUTH_SECRET: too simple/);
  });

  it("refuses a damaged secret file, naming the file", () => {
    const file = path.join(scratch(), "auth-secret");
    writeFileSync(file, "oops\n");
    expect(() => parseConfig({ NODE_ENV: "production" }, { authSecretFile: file })).toThrow(
      /AUTH_SECRET \(from .*auth-secret\): expected at least 32/,
    );
  });

  it("reads the session limits, defaulting to 8 hours idle and 24 hours in all", () => {
    expect(parseConfig({}, { authSecretFile: none }).auth).toMatchObject({ sessionIdleMinutes: 480, sessionMaxHours: 24 });
    expect(parseConfig({ SESSION_IDLE_MINUTES: "30", SESSION_MAX_HOURS: "12" }, { authSecretFile: none }).auth).toMatchObject({
      sessionIdleMinutes: 30,
      sessionMaxHours: 12,
    });
    expect(() => parseConfig({ SESSION_IDLE_MINUTES: "0" })).toThrow(/SESSION_IDLE_MINUTES: expected a whole number >= 1/);
  });
});
