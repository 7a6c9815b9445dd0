import { expect, it } from "vitest";
import { commandLabel, countCallback, isAllowedScraper, metrics, outcomeLabel } from "@/lib/metrics";

it("keeps label values to known commands and the receiver's outcome names", () => {
  expect(commandLabel("C2C.CallbackAfterMsgWithDraw")).toBe("C2C.CallbackAfterMsgWithDraw");
  expect(commandLabel("C2C.CallbackAfterMsgWithDraw-alice")).toBe("other");
  expect(commandLabel(undefined)).toBe("none");
  expect(outcomeLabel("refused:sign")).toBe("refused:sign");
  expect(outcomeLabel("failed:queue_full")).toBe("failed:queue_full");
  expect(outcomeLabel("refused:alice@example.com")).toBe("other");
});

it("does not grow a series per invented command", async () => {
  for (let i = 0; i < 100; i++) countCallback(`Invented.command${i}`, "ignored");
  const text = await metrics().registry.getSingleMetricAsString("recall_monitor_callbacks_total");
  expect(text.split("\n").filter((l) => l.startsWith("recall_monitor_callbacks_total{"))).toEqual([
    'recall_monitor_callbacks_total{command="other",outcome="ignored"} 100',
  ]);
});

it("allows scrapers only from the listed addresses, and nobody when the list is empty", () => {
  const list = ["10.0.0.0/8", "::1"];
  expect(isAllowedScraper("10.2.3.4", list)).toBe(true);
  expect(isAllowedScraper("::1", list)).toBe(true);
  expect(isAllowedScraper("192.0.2.1", list)).toBe(false);
  expect(isAllowedScraper("unknown", list)).toBe(false);
  expect(isAllowedScraper("10.2.3.4", [])).toBe(false);
});
