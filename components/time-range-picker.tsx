"use client";
import { useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import { type FormEvent, useId } from "react";
import { Timestamp } from "@/components/timestamp";
import { rangeParams } from "@/lib/client/search-params";
import { fromInputValue, toInputValue, useTimeZoneMode } from "@/lib/client/time-zone";

// label: an id (the shown text is range.presets.<label>), also what a view names as its default.
const PRESETS = [
  { label: "1 h", key: "h1", ms: 3600_000 },
  { label: "24 h", key: "h24", ms: 24 * 3600_000 },
  { label: "7 days", key: "d7", ms: 7 * 24 * 3600_000 },
  { label: "30 days", key: "d30", ms: 30 * 24 * 3600_000 },
  { label: "90 days", key: "d90", ms: 90 * 24 * 3600_000 },
] as const;

type PresetLabel = (typeof PRESETS)[number]["label"];

/**
 * since/until in the URL (ISO 8601 UTC, the API's own values); presets fix `since` at the moment
 * they are chosen. `defaultPreset` names the range the view's API uses when the URL has none: that
 * button clears the range instead (a link without a range always means "the latest N"); without it,
 * no range means all time.
 */
export function TimeRangePicker({ defaultPreset }: { defaultPreset?: PresetLabel }) {
  const [{ since, until }, setRange] = useQueryStates(rangeParams);
  const mode = useTimeZoneMode();
  const t = useTranslations("range");
  const id = useId();
  const zone = mode === "utc" ? "UTC" : t("local");
  const defaultKey = PRESETS.find((p) => p.label === defaultPreset)?.key;

  const onCustom = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    setRange({
      since: fromInputValue(String(form.get("since") ?? ""), mode),
      until: fromInputValue(String(form.get("until") ?? ""), mode),
    });
  };

  const button =
    "focus-ring rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";
  return (
    <fieldset className="flex flex-wrap items-end gap-2">
      <legend className="mb-1 text-sm font-medium text-slate-600 dark:text-slate-300">{t("legend")}</legend>
      {PRESETS.map((p) =>
        p.label === defaultPreset ? (
          <button
            key={p.label}
            type="button"
            className={button}
            aria-pressed={!since && !until}
            onClick={() => setRange({ since: null, until: null })}
          >
            {t("last", { span: t(`presets.${p.key}`) })}
          </button>
        ) : (
          <button
            key={p.label}
            type="button"
            className={button}
            onClick={() => setRange({ since: new Date(Date.now() - p.ms).toISOString(), until: null })}
          >
            {t("last", { span: t(`presets.${p.key}`) })}
          </button>
        ),
      )}
      {defaultPreset ? null : (
        <button type="button" className={button} aria-pressed={!since && !until} onClick={() => setRange({ since: null, until: null })}>
          {t("allTime")}
        </button>
      )}
      <form onSubmit={onCustom} className="flex flex-wrap items-end gap-2" key={`${since}/${until}/${mode}`}>
        <label className="flex flex-col text-xs text-slate-600 dark:text-slate-300" htmlFor={`${id}-since`}>
          {t("from", { zone })}
          <input
            id={`${id}-since`}
            name="since"
            type="datetime-local"
            defaultValue={toInputValue(since, mode)}
            className="focus-ring rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
          />
        </label>
        <label className="flex flex-col text-xs text-slate-600 dark:text-slate-300" htmlFor={`${id}-until`}>
          {t("to", { zone })}
          <input
            id={`${id}-until`}
            name="until"
            type="datetime-local"
            defaultValue={toInputValue(until, mode)}
            className="focus-ring rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
          />
        </label>
        <button type="submit" className={button}>
          {t("apply")}
        </button>
      </form>
      <p className="w-full text-sm text-slate-500 dark:text-slate-400" aria-live="polite" data-testid="range-summary">
        {since || until
          ? t.rich("showingRange", {
              since: () => <Timestamp value={since} empty={t("beginning")} />,
              until: () => <Timestamp value={until} empty={t("now")} />,
            })
          : defaultKey
            ? t("showingLast", { span: t(`presets.${defaultKey}`) })
            : t("showingAll")}
      </p>
    </fieldset>
  );
}
