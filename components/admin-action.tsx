"use client";
// The admin pages' changes (staff accounts, legal holds): run one API call, then re-render the
// server page so the list shows the new state, and say how it went where a screen reader hears it.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useErrorText } from "@/components/states";

export type ActionOutcome = { kind: "ok" | "error"; text: string };

/** `run(action, done)`: true when `action` succeeded (its message is then `done`), else false with the error shown. */
export function useAdminAction() {
  const router = useRouter();
  const [message, setMessage] = useState<ActionOutcome | null>(null);
  const errorText = useErrorText();

  async function run(action: () => Promise<unknown>, done: string): Promise<boolean> {
    setMessage(null);
    try {
      await action();
      setMessage({ kind: "ok", text: done });
      router.refresh();
      return true;
    } catch (error) {
      setMessage({ kind: "error", text: errorText(error) });
      return false;
    }
  }

  return { message, run };
}

export function ActionMessage({ message }: { message: ActionOutcome | null }) {
  if (!message) return null;
  return (
    <p
      role={message.kind === "error" ? "alert" : "status"}
      className={message.kind === "error" ? "text-red-700 dark:text-red-400" : "text-emerald-700 dark:text-emerald-400"}
    >
      {message.text}
    </p>
  );
}
