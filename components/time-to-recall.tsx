"use client";
// A time to recall as people read one ("8.5 s", "3 min 20 s"), marked when it is estimated from the
// MsgKey rather than the captured send time (the MsgKey's time is whole seconds, from the sender's side).
import { useTranslations } from "next-intl";
import type { SendTime } from "@/lib/messages/recall-message";

export function useDurationText() {
  const t = useTranslations("timeToRecall");
  return (ms: number) => {
    const seconds = ms / 1000;
    if (seconds < 60) return t("seconds", { s: Math.round(seconds * 10) / 10 });
    if (seconds < 3600) return t("minutes", { m: Math.floor(seconds / 60), s: Math.floor(seconds % 60) });
    return t("hours", { h: Math.floor(seconds / 3600), m: Math.floor((seconds % 3600) / 60) });
  };
}

export function TimeToRecall({ value }: { value: SendTime }) {
  const t = useTranslations("timeToRecall");
  const duration = useDurationText();
  if (value === null) return <span title={t("unknownHint")}>—</span>;
  if (!value.estimated) return <span data-estimated="false">{duration(value.timeToRecallMs)}</span>;
  return (
    <span data-estimated="true" title={t("estimatedHint")}>
      {t("estimated", { duration: duration(value.timeToRecallMs) })}
    </span>
  );
}
