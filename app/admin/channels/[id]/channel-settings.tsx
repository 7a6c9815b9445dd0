"use client";
// A channel's editable settings on its page: name, message language, rate limit. Where it sends
// and its secret are not shown again, so they are not edited here (add a new channel instead).
import { useTranslations } from "next-intl";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import type { ChannelItem } from "@/lib/alerts/channels";
import { CHANNEL_LANGUAGES } from "@/lib/alerts/contracts";
import { sendJson } from "@/lib/client/api";

export function ChannelSettings({ channel }: { channel: ChannelItem }) {
  const t = useTranslations("alerts.channels");
  const { message, run } = useAdminAction();

  async function save(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const patch = {
      name: String(data.get("name") ?? ""),
      language: String(data.get("language") ?? ""),
      ratePerMinute: Number(data.get("ratePerMinute")),
    };
    await run(() => sendJson(`/api/admin/channels/${channel.id}`, "PATCH", patch), t("updated"));
  }

  return (
    <form onSubmit={save} className="space-y-3 rounded-md border border-slate-200 p-4 dark:border-slate-800" aria-label={t("edit")}>
      <h2 className="font-semibold">{t("edit")}</h2>
      <ActionMessage message={message} />
      <div className="flex flex-wrap items-end gap-3">
        <label className="flex flex-col text-sm">
          {t("name")}
          <input name="name" required maxLength={100} defaultValue={channel.name} className={input} />
        </label>
        <label className="flex flex-col text-sm">
          {t("language")}
          <select name="language" defaultValue={channel.language} className={input}>
            {CHANNEL_LANGUAGES.map((l) => (
              <option key={l} value={l} lang={l}>
                {t(`languages.${l}`)}
              </option>
            ))}
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("rate")}
          <input
            type="number"
            name="ratePerMinute"
            defaultValue={channel.ratePerMinute}
            min={1}
            max={600}
            required
            className={`${input} w-24`}
          />
        </label>
        <button type="submit" className={button}>
          {t("saveEdit")}
        </button>
      </div>
    </form>
  );
}
