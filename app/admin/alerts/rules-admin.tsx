"use client";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { ScrollBox } from "@/components/scroll-box";
import { EmptyState } from "@/components/states";
import { RULE_KINDS, type RuleKind } from "@/lib/alerts/contracts";
import type { Preview } from "@/lib/alerts/preview";
import type { RuleItem } from "@/lib/alerts/rules";
import { sendJson } from "@/lib/client/api";

/** Each kind's parameter fields: name, default, step. */
const FIELDS: Record<RuleKind, { name: string; value: number | boolean; step?: string }[]> = {
  burst: [
    { name: "count", value: 10 },
    { name: "windowMinutes", value: 10, step: "any" },
    { name: "perRecipient", value: false },
  ],
  spike: [
    { name: "windowMinutes", value: 15, step: "any" },
    { name: "factor", value: 3, step: "any" },
    { name: "minCount", value: 20 },
  ],
  silence: [{ name: "minutes", value: 15, step: "any" }],
  receiver_failing: [
    { name: "percent", value: 10, step: "any" },
    { name: "minCallbacks", value: 20 },
  ],
};

function ruleFromForm(form: HTMLFormElement, kind: RuleKind) {
  const data = new FormData(form);
  const params: Record<string, number | boolean> = {};
  for (const f of FIELDS[kind]) params[f.name] = typeof f.value === "boolean" ? data.get(f.name) === "on" : Number(data.get(f.name));
  return {
    name: String(data.get("name") ?? ""),
    kind,
    params,
    apps: String(data.get("apps") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    channelIds: data.getAll("channelIds").map(Number),
    cooldownMinutes: Number(data.get("cooldownMinutes")),
    enabled: data.get("enabled") === "on",
  };
}

export function RulesAdmin({ rules, channels }: { rules: RuleItem[]; channels: { id: number; name: string }[] }) {
  const t = useTranslations("alerts");
  const { message, run } = useAdminAction();
  const [kind, setKind] = useState<RuleKind>("burst");
  const [preview, setPreview] = useState<Preview | null>(null);
  // The rule being edited in the form (null: a new one). The form is keyed by it, so its fields
  // start from that rule's values.
  const [editing, setEditing] = useState<RuleItem | null>(null);
  const paramValue = (name: string, fallback: number | boolean) => {
    const params = editing?.params as Record<string, unknown> | undefined;
    const v = params?.[name];
    return typeof v === typeof fallback ? (v as number | boolean) : fallback;
  };

  function edit(rule: RuleItem | null) {
    setEditing(rule);
    setKind(rule?.kind ?? "burst");
    setPreview(null);
  }

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const rule = ruleFromForm(form, kind);
    const saved = editing
      ? await run(() => sendJson(`/api/admin/alerts/rules/${editing.id}`, "PATCH", rule), t("rules.updated"))
      : await run(() => sendJson("/api/admin/alerts/rules", "POST", rule), t("rules.saved", { name: rule.name }));
    if (saved) {
      form.reset();
      edit(null);
    }
  }

  async function previewRule(form: HTMLFormElement | null) {
    if (!form) return;
    const rule = ruleFromForm(form, kind);
    setPreview(null);
    await run(
      async () => setPreview(await sendJson<Preview>("/api/admin/alerts/preview", "POST", { ...rule, name: rule.name || undefined })),
      "",
    );
  }

  return (
    <div className="space-y-6">
      <ActionMessage message={message?.text ? message : null} />
      <form
        key={editing?.id ?? "new"}
        onSubmit={save}
        className="space-y-3 rounded-md border border-slate-200 p-4 dark:border-slate-800"
        aria-label={editing ? t("rules.editing", { name: editing.name }) : t("rules.new")}
      >
        <h2 className="font-semibold">{editing ? t("rules.editing", { name: editing.name }) : t("rules.new")}</h2>
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col text-sm">
            {t("rules.name")}
            <input name="name" required maxLength={100} defaultValue={editing?.name} className={input} />
          </label>
          <label className="flex flex-col text-sm">
            {t("rules.kind")}
            <select
              name="kind"
              value={kind}
              onChange={(e) => {
                setKind(e.target.value as RuleKind);
                setPreview(null);
              }}
              className={input}
            >
              {RULE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          {FIELDS[kind].map((f) =>
            typeof f.value === "boolean" ? (
              <label key={`${kind}-${f.name}`} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name={f.name} defaultChecked={Boolean(paramValue(f.name, f.value))} />
                {t(`rules.${f.name}` as "rules.perRecipient")}
              </label>
            ) : (
              <label key={`${kind}-${f.name}`} className="flex flex-col text-sm">
                {t(`rules.${f.name}` as "rules.count")}
                <input
                  type="number"
                  name={f.name}
                  defaultValue={Number(paramValue(f.name, f.value))}
                  min={0}
                  step={f.step ?? "1"}
                  required
                  className={`${input} w-32`}
                />
              </label>
            ),
          )}
          <label className="flex flex-col text-sm">
            {t("rules.cooldown")}
            <input
              type="number"
              name="cooldownMinutes"
              defaultValue={editing?.cooldownMinutes ?? 30}
              min={0}
              required
              className={`${input} w-28`}
            />
          </label>
        </div>
        <label className="flex flex-col text-sm">
          {t("rules.apps")}
          <input
            name="apps"
            defaultValue={editing?.apps.join(", ")}
            className={`${input} font-mono`}
            placeholder="1400000000, 1400000001"
          />
        </label>
        <fieldset className="flex flex-wrap gap-4 text-sm">
          <legend>{t("rules.channels")}</legend>
          {channels.map((c) => (
            <label key={c.id} className="flex items-center gap-2">
              <input type="checkbox" name="channelIds" value={c.id} defaultChecked={editing ? editing.channelIds.includes(c.id) : true} />
              {c.name}
            </label>
          ))}
        </fieldset>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="enabled" defaultChecked={editing?.enabled ?? true} />
          {t("rules.enabled")}
        </label>
        <div className="flex flex-wrap items-center gap-3">
          <button type="button" className={button} onClick={(e) => previewRule(e.currentTarget.form)}>
            {t("rules.preview")}
          </button>
          <button type="submit" className={button}>
            {editing ? t("rules.saveEdit") : t("rules.save")}
          </button>
          {editing ? (
            <button type="button" className={button} onClick={() => edit(null)}>
              {t("rules.cancelEdit")}
            </button>
          ) : null}
          {preview ? (
            <p role="status" data-testid="rule-preview" className="text-sm">
              {t("rules.previewResult", { fires: preview.fires })} {preview.partial ? t("rules.previewPartial") : null}
            </p>
          ) : null}
        </div>
      </form>
      {rules.length === 0 ? (
        <EmptyState>{t("rules.empty")}</EmptyState>
      ) : (
        <ScrollBox label={t("rules.title")}>
          <table className="w-full min-w-[44rem] text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th className="py-2">{t("rules.name")}</th>
                <th>{t("rules.kind")}</th>
                <th>{t("rules.params")}</th>
                <th>{t("rules.channels")}</th>
                <th>{t("rules.cooldown")}</th>
                <th>{t("rules.firingNow")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {rules.map((r) => (
                <tr key={r.id} data-rule-name={r.name} className="border-b border-slate-100 align-top dark:border-slate-800">
                  <td className="py-2">{r.name}</td>
                  <td>{t(`kinds.${r.kind}`)}</td>
                  <td className="font-mono text-xs">
                    {Object.entries(r.params)
                      .map(([k, v]) => `${k}=${String(v)}`)
                      .join(" ")}
                    <br />
                    {r.apps.length ? r.apps.join(", ") : t("rules.allApps")}
                  </td>
                  <td>{r.channelIds.map((id) => channels.find((c) => c.id === id)?.name ?? `#${id}`).join(", ")}</td>
                  <td>{r.cooldownMinutes}</td>
                  <td>{r.firing}</td>
                  <td className="space-x-2 whitespace-nowrap">
                    <button type="button" className={button} onClick={() => edit(r)}>
                      {t("rules.edit")}
                    </button>
                    <button
                      type="button"
                      className={button}
                      onClick={() =>
                        run(
                          () =>
                            sendJson(`/api/admin/alerts/rules/${r.id}`, "PATCH", {
                              name: r.name,
                              kind: r.kind,
                              params: r.params,
                              apps: r.apps,
                              channelIds: r.channelIds,
                              cooldownMinutes: r.cooldownMinutes,
                              enabled: !r.enabled,
                            }),
                          t("rules.updated"),
                        )
                      }
                    >
                      {r.enabled ? t("rules.disable") : t("rules.enable")}
                    </button>
                    <button
                      type="button"
                      className={button}
                      onClick={() => run(() => sendJson(`/api/admin/alerts/rules/${r.id}`, "DELETE"), t("rules.deleted"))}
                    >
                      {t("rules.delete")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </div>
  );
}
