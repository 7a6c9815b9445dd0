import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isBuildCurrent, recordBuild, sourceHash } from "./build-stamp";

describe("build stamp", () => {
  it("asks for a build until one is recorded, and again after a source changes", () => {
    const root = mkdtempSync(path.join(tmpdir(), "stamp-"));
    mkdirSync(path.join(root, "app"));
    mkdirSync(path.join(root, ".next"));
    writeFileSync(path.join(root, "app", "page.tsx"), "export default 1");
    expect(isBuildCurrent(root)).toBe(false);

    writeFileSync(path.join(root, ".next", "BUILD_ID"), "x");
    recordBuild(root, sourceHash(root));
    expect(isBuildCurrent(root)).toBe(true);

    writeFileSync(path.join(root, "app", "page.tsx"), "export default 2");
    expect(isBuildCurrent(root)).toBe(false);
  });
});
