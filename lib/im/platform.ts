// OptPlatform is free-form text; these are the spellings Tencent's docs use for each platform.
const KNOWN: Record<string, string> = {
  restapi: "RESTAPI",
  web: "Web",
  android: "Android",
  ios: "iOS",
  windows: "Windows",
  mac: "macOS",
  macos: "macOS",
  ipad: "iPad",
  unknown: "Unknown",
};

/** The platform values the dashboard offers as filters. */
export const PLATFORMS = ["RESTAPI", "Web", "Android", "iOS", "Windows", "macOS", "iPad", "Unknown"] as const;

/** One spelling per known platform; anything else is kept as sent (trimmed), never dropped. */
export function normalisePlatform(raw: string | undefined | null): string | null {
  const value = raw?.trim();
  if (!value) return null;
  return KNOWN[value.toLowerCase()] ?? value;
}
