// Every user-supplied string the dashboard shows (user IDs, MsgKeys, platforms, client IPs, app
// IDs, callback commands, export filters) goes through here, because each one came from an
// unauthenticated callback. Two tricks are defeated: a bidirectional control such as U+202E
// (RIGHT-TO-LEFT OVERRIDE) makes `\u202Enimda` display as "admin", and invisible characters make
// two different IDs look the same. So the text is isolated from its surroundings (<bdi>) and
// every invisible or control character is shown as a visible, styled ⟨U+XXXX⟩.

import { visibleParts, visibleText } from "@/lib/visible-text";

export { visibleText };

/** A user-supplied string, isolated and with its invisible characters shown. */
export function UserText({ value, className }: { value: string; className?: string }) {
  const parts = visibleParts(value);
  if (!parts.some((p) => p.hidden)) return <bdi className={className}>{value}</bdi>;
  return (
    <bdi className={className} title={visibleText(value)} data-user-text="">
      {parts.map((p) =>
        p.hidden ? (
          <span
            key={p.at}
            className="rounded bg-amber-100 px-0.5 font-mono text-[0.85em] text-amber-900 dark:bg-amber-900 dark:text-amber-100"
          >
            ⟨{p.text}⟩
          </span>
        ) : (
          <span key={p.at}>{p.text}</span>
        ),
      )}
    </bdi>
  );
}
