import { existsSync } from "node:fs";
import path from "node:path";

// Integration tests run the production build, as users do. `npm test` builds it first.
export default function setup() {
  if (!existsSync(path.join(process.cwd(), ".next", "BUILD_ID"))) {
    throw new Error("No production build in .next: run `npm run build` (npm test does this) before the integration tests.");
  }
}
