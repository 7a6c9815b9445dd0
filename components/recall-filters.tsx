"use client";
import { useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import { type FormEvent, useId, useRef } from "react";
import { RECALL_KINDS, recallFilterParams } from "@/lib/client/search-params";
import { PLATFORMS } from "@/lib/im/platform";

// Labels and placeholders: messages/<locale>/recalls.json filters.<name> and filters.<name>Hint.
export const TEXT_FIELDS = [
  { name: "from" },
  { name: "to" },
  { name: "user" },
  { name: "ip" },
  { name: "msgKey" },
  { name: "sdkAppId" },
] as const;

const input =
  "focus-ring w-full rounded-md border border-slate-300 bg-white px-2 py-1 text-sm text-slate-900 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100";
const button =
  "focus-ring rounded-md border border-slate-300 px-3 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800";

/** The recall log's filters; applied on submit (Enter) so that typing does not fire a query per key. */
export function RecallFilters() {
  const [filters, setFilters] = useQueryStates(recallFilterParams);
  const t = useTranslations("recalls.filters");
  const k = useTranslations("timeToRecall");
  const id = useId();
  const form = useRef<HTMLFormElement>(null);

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    const value = (k: string) => String(data.get(k) ?? "").trim() || null;
    setFilters({
      from: value("from"),
      to: value("to"),
      user: value("user"),
      ip: value("ip"),
      msgKey: value("msgKey"),
      sdkAppId: value("sdkAppId"),
      platform: value("platform"),
      kind: RECALL_KINDS.find((kind) => kind === value("kind")) ?? null,
    });
  };
  const anySet = TEXT_FIELDS.some((f) => filters[f.name]) || Boolean(filters.platform) || Boolean(filters.kind);

  return (
    <form
      ref={form}
      onSubmit={apply}
      aria-label={t("formLabel")}
      // Back/forward changes the URL: re-read the fields from it.
      key={JSON.stringify(filters)}
      className="grid grid-cols-2 gap-3 lg:grid-cols-4"
    >
      {TEXT_FIELDS.map((f) => (
        <label key={f.name} htmlFor={`${id}-${f.name}`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
          {t(f.name)}
          <input
            id={`${id}-${f.name}`}
            name={f.name}
            defaultValue={filters[f.name] ?? ""}
            placeholder={t(`${f.name}Hint`)}
            className={`${input} mt-1`}
          />
        </label>
      ))}
      <label htmlFor={`${id}-platform`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {t("platform")}
        <select
          id={`${id}-platform`}
          name="platform"
          defaultValue={filters.platform ?? ""}
          onChange={() => form.current?.requestSubmit()}
          className={`${input} mt-1`}
        >
          <option value="">{t("any")}</option>
          {PLATFORMS.map((p) => (
            <option key={p} value={p}>
              {p}
            </option>
          ))}
          {filters.platform && !(PLATFORMS as readonly string[]).includes(filters.platform) ? (
            <option value={filters.platform}>{filters.platform}</option>
          ) : null}
        </select>
      </label>
      <label htmlFor={`${id}-kind`} className="text-xs font-medium text-slate-600 dark:text-slate-300">
        {k("kind")}
        <select
          id={`${id}-kind`}
          name="kind"
          defaultValue={filters.kind ?? ""}
          onChange={() => form.current?.requestSubmit()}
          className={`${input} mt-1`}
        >
          <option value="">{k("kindAny")}</option>
          <option value="admin">{k("kindAdmin")}</option>
          <option value="user">{k("kindUser")}</option>
        </select>
      </label>
      <div className="flex items-end gap-2">
        <button
          type="submit"
          className={`${button} bg-slate-900 text-white hover:bg-slate-700 dark:bg-slate-100 dark:text-slate-900 dark:hover:bg-slate-300`}
        >
          {t("apply")}
        </button>
        {anySet ? (
          <button
            type="button"
            className={button}
            onClick={() =>
              setFilters({ from: null, to: null, user: null, ip: null, msgKey: null, sdkAppId: null, platform: null, kind: null })
            }
          >
            {t("clear")}
          </button>
        ) : null}
      </div>
    </form>
  );
}
