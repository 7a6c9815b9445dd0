"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ActionMessage, type ActionOutcome, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { ScrollBox } from "@/components/scroll-box";
import { EmptyState } from "@/components/states";
import type { ChannelItem } from "@/lib/alerts/channels";
import { CHANNEL_KINDS, CHANNEL_LANGUAGES, type ChannelKind } from "@/lib/alerts/contracts";
import type { DeliveryOutcome } from "@/lib/alerts/delivery";
import { sendJson } from "@/lib/client/api";

function channelFromForm(form: HTMLFormElement, kind: ChannelKind) {
  const data = new FormData(form);
  const text = (name: string) => String(data.get(name) ?? "").trim();
  const common = { kind, name: text("name"), language: text("language"), ratePerMinute: Number(data.get("ratePerMinute")) };
  if (kind === "email")
    return {
      ...common,
      host: text("host"),
      port: Number(data.get("port")),
      security: text("security"),
      user: text("user") || undefined,
      password: text("password") || undefined,
      from: text("from"),
      to: text("to")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    };
  if (kind === "wecom") return { ...common, url: text("url") };
  if (kind === "webhook") return { ...common, url: text("url"), secret: text("secret") || undefined };
  return { ...common, url: text("url"), secret: text("secret") };
}

export function ChannelsAdmin({ channels }: { channels: ChannelItem[] }) {
  const t = useTranslations("alerts.channels");
  const { message, run } = useAdminAction();
  const [kind, setKind] = useState<ChannelKind>("wecom");
  const [note, setNote] = useState<ActionOutcome | null>(null);

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const body = channelFromForm(form, kind);
    setNote(null);
    let created: { shownOnce?: { secret: string } } = {};
    const ok = await run(
      async () => {
        created = await sendJson("/api/admin/channels", "POST", body);
      },
      t("saved", { name: body.name }),
    );
    if (ok) {
      form.reset();
      if (created.shownOnce) setNote({ kind: "ok", text: t("shownOnce", { secret: created.shownOnce.secret }) });
    }
  }

  async function test(c: ChannelItem) {
    setNote(null);
    try {
      const outcome = await sendJson<DeliveryOutcome>(`/api/admin/channels/${c.id}/test`, "POST");
      setNote(
        outcome.status === "sent"
          ? { kind: "ok", text: t("testSent", { name: c.name }) }
          : { kind: "error", text: t("testFailed", { name: c.name, error: outcome.error ?? outcome.status }) },
      );
    } catch (error) {
      setNote({ kind: "error", text: t("testFailed", { name: c.name, error: error instanceof Error ? error.message : String(error) }) });
    }
  }

  return (
    <div className="space-y-6">
      <ActionMessage message={message} />
      <ActionMessage message={note} />
      <form onSubmit={save} className="space-y-3 rounded-md border border-slate-200 p-4 dark:border-slate-800" aria-label={t("new")}>
        <h2 className="font-semibold">{t("new")}</h2>
        <div className="flex flex-wrap items-end gap-3">
          <label className="flex flex-col text-sm">
            {t("kind")}
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as ChannelKind)} className={input}>
              {CHANNEL_KINDS.map((k) => (
                <option key={k} value={k}>
                  {t(`kinds.${k}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-sm">
            {t("name")}
            <input name="name" required maxLength={100} className={input} />
          </label>
          <label className="flex flex-col text-sm">
            {t("language")}
            <select name="language" defaultValue="en" className={input}>
              {CHANNEL_LANGUAGES.map((l) => (
                <option key={l} value={l} lang={l}>
                  {t(`languages.${l}`)}
                </option>
              ))}
            </select>
          </label>
          <label className="flex flex-col text-sm">
            {t("rate")}
            <input type="number" name="ratePerMinute" defaultValue={20} min={1} max={600} required className={`${input} w-24`} />
          </label>
        </div>
        {kind === "email" ? (
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex flex-col text-sm">
              {t("host")}
              <input name="host" required className={input} />
            </label>
            <label className="flex flex-col text-sm">
              {t("port")}
              <input type="number" name="port" defaultValue={587} required className={`${input} w-24`} />
            </label>
            <label className="flex flex-col text-sm">
              {t("security")}
              <select name="security" defaultValue="starttls" className={input}>
                <option value="starttls">STARTTLS</option>
                <option value="tls">TLS</option>
                <option value="none">{t("securityNone")}</option>
              </select>
            </label>
            <label className="flex flex-col text-sm">
              {t("user")}
              <input name="user" autoComplete="off" className={input} />
            </label>
            <label className="flex flex-col text-sm">
              {t("password")}
              <input name="password" type="password" autoComplete="new-password" className={input} />
            </label>
            <label className="flex flex-col text-sm">
              {t("from")}
              <input name="from" type="email" required className={input} />
            </label>
            <label className="flex flex-1 flex-col text-sm">
              {t("to")}
              <input name="to" required className={input} />
            </label>
          </div>
        ) : (
          <div className="flex flex-wrap items-end gap-3">
            <label className="flex flex-1 flex-col text-sm">
              {t("url")}
              <input name="url" type="url" required autoComplete="off" className={`${input} font-mono`} />
            </label>
            {kind === "wecom" ? null : (
              <label className="flex flex-col text-sm">
                {kind === "webhook" ? t("webhookSecret") : t("secret")}
                <input
                  name="secret"
                  type="password"
                  required={kind !== "webhook"}
                  autoComplete="new-password"
                  className={`${input} font-mono`}
                />
              </label>
            )}
          </div>
        )}
        <button type="submit" className={button}>
          {t("save")}
        </button>
      </form>
      {channels.length === 0 ? (
        <EmptyState>{t("empty")}</EmptyState>
      ) : (
        <ScrollBox label={t("title")}>
          <table className="w-full min-w-[44rem] text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th className="py-2">{t("name")}</th>
                <th>{t("kind")}</th>
                <th>{t("target")}</th>
                <th>{t("language")}</th>
                <th>{t("rate")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {channels.map((c) => (
                <tr key={c.id} data-channel-name={c.name} className="border-b border-slate-100 align-top dark:border-slate-800">
                  <td className="py-2">{c.name}</td>
                  <td>{t(`kinds.${c.kind}`)}</td>
                  <td className="font-mono text-xs">{c.target}</td>
                  <td lang={c.language}>{t(`languages.${c.language}`)}</td>
                  <td>{c.ratePerMinute}</td>
                  <td className="space-x-2 whitespace-nowrap">
                    <button type="button" className={button} onClick={() => test(c)}>
                      {t("sendTest")}
                    </button>
                    <Link href={`/admin/channels/${c.id}`} className={button}>
                      {t("deliveries")}
                    </Link>
                    <button
                      type="button"
                      className={button}
                      onClick={() => run(() => sendJson(`/api/admin/channels/${c.id}`, "PATCH", { enabled: !c.enabled }), t("updated"))}
                    >
                      {c.enabled ? t("disable") : t("enable")}
                    </button>
                    <button
                      type="button"
                      className={button}
                      onClick={() => run(() => sendJson(`/api/admin/channels/${c.id}`, "DELETE"), t("deleted"))}
                    >
                      {t("delete")}
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
