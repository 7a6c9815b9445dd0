import { describe, expect, it } from "vitest";
import { normalisePlatform } from "./platform";

describe("normalisePlatform", () => {
  it("gives one spelling to each platform the docs spell several ways", () => {
    expect(["iOS", "IOS", "ios"].map(normalisePlatform)).toEqual(["iOS", "iOS", "iOS"]);
    expect(["Mac", "macOS", "MAC"].map(normalisePlatform)).toEqual(["macOS", "macOS", "macOS"]);
    expect(["iPad", "IPad"].map(normalisePlatform)).toEqual(["iPad", "iPad"]);
    expect(["RESTAPI", "Web", "Android", "Windows", "Unknown"].map(normalisePlatform)).toEqual([
      "RESTAPI",
      "Web",
      "Android",
      "Windows",
      "Unknown",
    ]);
  });

  it("keeps unknown values as sent, trimmed, and maps absence to null", () => {
    expect(normalisePlatform(" HarmonyOS ")).toBe("HarmonyOS");
    expect(normalisePlatform("")).toBeNull();
    expect(normalisePlatform(undefined)).toBeNull();
  });
});
