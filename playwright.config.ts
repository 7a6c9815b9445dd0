import { defineConfig } from "@playwright/test";

// Debian's Chromium (apt), never a downloaded browser: `npm test` installs it when missing.
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "tests/browser",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // Files run two at a time (each starts its own app); a file's tests run in order unless it says
  // otherwise (a11y.spec.ts). One worker took 15 minutes.
  fullyParallel: false,
  workers: 2,
  forbidOnly: Boolean(process.env.CI),
  retries: 0,
  reporter: [["list"]],
  use: {
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        // The machine's network is closed: without these Chromium keeps dialling Google's hosts.
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
});
