import { expect, it } from "vitest";
import { isMalformedPath } from "./malformed-path";

it("finds invalid percent-encoding in the path only", () => {
  for (const bad of ["/api/users/%FF/trend", "/api/recalls/%FF", "/api/users/%E0%A4%A/counterparts", "/users/100%", "/users/%ED%A0%80"]) {
    expect(isMalformedPath(bad), bad).toBe(true);
  }
  for (const good of ["/", "/users/100%25", "/users/%2541", "/users/%E2%82%AC", "/api/recalls?from=%FF", "/users/a%2Fb"]) {
    expect(isMalformedPath(good), good).toBe(false);
  }
});
