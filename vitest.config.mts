import path from "node:path";
import { defineConfig } from "vitest/config";

const root = import.meta.dirname;
const alias = { "@": root };

// Integration tests run twice, once per database: the same behaviour is required of both.
const integration = (database: "sqlite" | "postgresql") => ({
  resolve: { alias },
  test: {
    name: `integration-${database}`,
    // tests/postgresql: behaviours only PostgreSQL has (several writers, LISTEN/NOTIFY, advisory locks).
    include: ["tests/integration/**/*.test.ts", ...(database === "postgresql" ? ["tests/postgresql/**/*.test.ts"] : [])],
    env: { TEST_DATABASE: database },
    testTimeout: 60_000,
    hookTimeout: 150_000,
    globalSetup: [path.join(root, "tests/support/global-setup.ts")],
  },
});

// The reliability suite (tests/reliability/) kills, floods and starves the server: its files run one
// at a time, each choosing its databases. `npm run test:reliability -- --long` sets RELIABILITY_LONG=1.
const reliability = {
  resolve: { alias },
  test: {
    name: "reliability",
    include: ["tests/reliability/**/*.test.ts"],
    fileParallelism: false,
    testTimeout: process.env.RELIABILITY_LONG === "1" ? 3_600_000 : 300_000,
    hookTimeout: 600_000,
    globalSetup: [path.join(root, "tests/support/global-setup.ts")],
  },
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      { resolve: { alias }, test: { name: "unit", include: ["lib/**/*.test.ts", "scripts/**/*.test.ts"] } },
      integration("sqlite"),
      integration("postgresql"),
      reliability,
    ],
  },
});
