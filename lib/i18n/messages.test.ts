// Every message key exists in both languages: a string added in one file and forgotten in the other
// fails here. New namespaces (messages/<locale>/<namespace>.json) are picked up by listing the folders.
import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES } from "@/lib/i18n/locales";
import { flattenKeys, MESSAGES_DIR, namespaceFiles, readMessages } from "@/lib/i18n/messages";

/**
 * The argument names of an ICU message (`{count}`, `{bucket, select, …}`), at any depth, but not
 * the text of plural/select branches: a `{` opened at even nesting depth starts an argument, one at
 * odd depth starts a branch's text.
 */
function argumentNames(message: string): string[] {
  const names = new Set<string>();
  let depth = 0;
  for (let i = 0; i < message.length; i++) {
    const c = message[i];
    if (c === "{") {
      if (depth % 2 === 0) {
        const name = /^\s*([A-Za-z_]\w*)/.exec(message.slice(i + 1))?.[1];
        if (name) names.add(name);
      }
      depth++;
    } else if (c === "}") depth--;
  }
  return [...names].sort();
}

function leaf(tree: unknown, key: string): unknown {
  return key
    .split(".")
    .reduce<unknown>((node, part) => (node && typeof node === "object" ? (node as Record<string, unknown>)[part] : undefined), tree);
}

describe("message files", () => {
  it("has a folder per locale and nothing else", () => {
    const folders = readdirSync(MESSAGES_DIR, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    expect(folders).toEqual([...LOCALES].sort());
  });

  it("has the same namespace files in every locale", () => {
    const [first, ...rest] = LOCALES;
    for (const locale of rest) expect(namespaceFiles(locale), locale).toEqual(namespaceFiles(first));
  });

  const all = Object.fromEntries(LOCALES.map((l) => [l, readMessages(l)]));
  const namespaces = [...new Set(LOCALES.flatMap((l) => Object.keys(all[l] ?? {})))].sort();

  it.each(namespaces)("namespace %s has the same keys in every locale", (ns) => {
    const keys = LOCALES.map((l) => flattenKeys(all[l]?.[ns]).sort());
    const [first, ...rest] = keys;
    for (const [i, other] of rest.entries()) {
      const missingThere = (first ?? []).filter((k) => !other.includes(k));
      const missingHere = other.filter((k) => !(first ?? []).includes(k));
      expect({ [`missing in ${LOCALES[i + 1]}`]: missingThere, [`missing in ${LOCALES[0]}`]: missingHere }).toEqual({
        [`missing in ${LOCALES[i + 1]}`]: [],
        [`missing in ${LOCALES[0]}`]: [],
      });
    }
  });

  it.each(namespaces)("namespace %s uses the same {arguments} in every locale, and no empty message", (ns) => {
    for (const key of flattenKeys(all.en?.[ns])) {
      const messages = LOCALES.map((l) => leaf(all[l]?.[ns], key));
      for (const m of messages) expect(typeof m === "string" && m.trim() !== "", `${ns}.${key}`).toBe(true);
      const [first, ...rest] = messages.map((m) => argumentNames(String(m)));
      for (const other of rest) expect(other, `${ns}.${key}`).toEqual(first);
    }
  });

  it("reads each file as its namespace", () => {
    const en = readMessages("en", path.resolve(MESSAGES_DIR));
    expect(Object.keys(en)).toContain("common");
  });
});
