// Shared entry point for the npm scripts: --help, and clear messages instead of stack traces
// for the errors a user can fix (bad configuration, bad arguments).
export class UsageError extends Error {}

export async function runScript(usage: string, main: (args: string[]) => Promise<void>): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes("--help") || args.includes("-h")) {
    console.log(usage.trim());
    return;
  }
  try {
    await main(args);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${usage.trim()}`);
      process.exit(2);
    }
    if (error instanceof Error && error.name === "ConfigError") {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  }
}

/** Parses `--name value` pairs; every flag must be one of `known`. */
export function parseFlags(args: string[], known: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    const [name, inline] = arg.startsWith("--") ? arg.slice(2).split("=", 2) : [undefined, undefined];
    if (!name || !known.includes(name)) throw new UsageError(`Unknown argument: ${arg}`);
    const value = inline ?? args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    flags.set(name, value);
  }
  return flags;
}
