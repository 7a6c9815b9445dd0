// Messages live as one JSON file per namespace per locale: messages/<locale>/<namespace>.json.
// Every file of a locale is loaded and merged under its namespace, so a feature adds its strings by
// adding two files (en and zh-CN), without editing a shared one. Server-only (reads the disk).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Locale } from "@/lib/i18n/locales";

export type Messages = Record<string, unknown>;

// turbopackIgnore: the folder is read at run time, not traced into the build (which would trace the whole project).
export const MESSAGES_DIR = path.join(/* turbopackIgnore: true */ process.cwd(), "messages");

export function namespaceFiles(locale: Locale, dir = MESSAGES_DIR): string[] {
  return readdirSync(path.join(dir, locale))
    .filter((f) => f.endsWith(".json"))
    .sort();
}

export function readMessages(locale: Locale, dir = MESSAGES_DIR): Messages {
  const messages: Messages = {};
  for (const file of namespaceFiles(locale, dir)) {
    messages[file.slice(0, -".json".length)] = JSON.parse(readFileSync(path.join(dir, locale, file), "utf8"));
  }
  return messages;
}

const cache = new Map<Locale, Messages>();

/** Read once per process (restart the dev server after editing a message file). */
export function loadMessages(locale: Locale): Messages {
  let found = cache.get(locale);
  if (!found) {
    found = readMessages(locale);
    cache.set(locale, found);
  }
  return found;
}

/** Every key of a namespace tree, dotted ("overview.title"), for the parity test. */
export function flattenKeys(tree: unknown, prefix = ""): string[] {
  if (tree === null || typeof tree !== "object" || Array.isArray(tree)) return [prefix];
  return Object.entries(tree).flatMap(([k, v]) => flattenKeys(v, prefix ? `${prefix}.${k}` : k));
}
