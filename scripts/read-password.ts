// Reading a password for the staff scripts: the first line of stdin when it is a pipe or a file
// (for automation), otherwise a hidden prompt on the terminal.
import { createInterface } from "node:readline";

export async function firstLineOfStdin(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  try {
    for await (const line of rl) return line.replace(/\r$/, "");
    return "";
  } finally {
    rl.close();
  }
}

/** Asks on the terminal without echoing what is typed. Ctrl-C aborts. */
export function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    let value = "";
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding("utf8");
    const done = (error?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off("data", onData);
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done();
        if (ch === "\u0003") return done(new Error("Cancelled."));
        if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
        else if (ch >= " ") value += ch;
      }
    };
    stdin.on("data", onData);
  });
}

/** The new password: from stdin when piped, else typed twice (hidden) and compared. */
export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return firstLineOfStdin();
  const first = await promptHidden("Password (at least 12 characters): ");
  const second = await promptHidden("The same password again: ");
  if (first !== second) throw new Error("The two passwords differ: nothing was changed.");
  return first;
}
