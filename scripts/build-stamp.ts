// Decides whether the production build in .next is current: a hash of everything that goes into
// it, written beside the build. `npm start` rebuilds only when the hash changed.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

const INPUT_DIRS = ["app", "components", "lib", "prisma", "public"];
const INPUT_FILES = ["package-lock.json", "next.config.js", "tsconfig.json", "tailwind.config.ts", "postcss.config.mjs"];
const SKIP = new Set(["node_modules", ".next", "generated", "migrations"]);

function* files(dir: string): Generator<string> {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (SKIP.has(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full);
    else if (entry.isFile() && !entry.name.endsWith(".test.ts")) yield full;
  }
}

export function sourceHash(root: string): string {
  const hash = createHash("sha256");
  const all = [...INPUT_DIRS.flatMap((d) => [...files(path.join(root, d))]), ...INPUT_FILES.map((f) => path.join(root, f))];
  for (const file of all) {
    if (!existsSync(file) || !statSync(file).isFile()) continue;
    hash.update(path.relative(root, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex");
}

const stampFile = (root: string) => path.join(root, ".next", "recall-monitor-source-hash");

export function isBuildCurrent(root: string): boolean {
  if (!existsSync(path.join(root, ".next", "BUILD_ID")) || !existsSync(stampFile(root))) return false;
  return readFileSync(stampFile(root), "utf8") === sourceHash(root);
}

export function recordBuild(root: string, hash: string): void {
  writeFileSync(stampFile(root), hash);
}
