"use client";
import { useTranslations } from "next-intl";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { Timestamp } from "@/components/timestamp";
import { sendJson } from "@/lib/client/api";
import type { HoldItem } from "@/lib/recalls/legal-holds";

export function HoldsAdmin({ holds }: { holds: HoldItem[] }) {
  const { message, run } = useAdminAction();
  const t = useTranslations("holds");

  async function place(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const userId = String(data.get("userId") ?? "");
    const placed = await run(
      () => sendJson("/api/admin/holds", "POST", { userId, reason: String(data.get("reason") ?? "") }),
      t("placedMessage", { user: userId }),
    );
    if (placed) form.reset();
  }

  return (
    <div className="space-y-6">
      <ActionMessage message={message} />
      <form onSubmit={place} className="flex flex-wrap items-end gap-3" aria-label={t("placeLabel")}>
        <label className="flex flex-col text-sm">
          {t("userId")}
          <input name="userId" required maxLength={256} className={`${input} font-mono`} />
        </label>
        <label className="flex flex-1 flex-col text-sm">
          {t("reason")}
          <input name="reason" required minLength={3} maxLength={500} className={input} placeholder={t("reasonHint")} />
        </label>
        <button type="submit" className={button}>
          {t("place")}
        </button>
      </form>
      {holds.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th className="py-2">{t("cols.userId")}</th>
              <th>{t("cols.reason")}</th>
              <th>{t("cols.placed")}</th>
              <th>{t("cols.status")}</th>
              <th>{t("cols.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <tr key={h.id} data-hold-user={h.userId} className="border-b border-slate-100 align-top dark:border-slate-800">
                <td className="py-2 font-mono">{h.userId}</td>
                <td>{h.reason}</td>
                <td>{t.rich("placedBy", { at: () => <Timestamp value={h.placedAt} />, by: h.placedBy })}</td>
                <td>
                  {h.liftedAt ? t.rich("liftedBy", { at: () => <Timestamp value={h.liftedAt} />, by: h.liftedBy ?? "" }) : t("active")}
                </td>
                <td>
                  {h.liftedAt ? null : (
                    <button
                      type="button"
                      className={button}
                      onClick={() => run(() => sendJson(`/api/admin/holds/${h.id}`, "DELETE"), t("liftedMessage", { user: h.userId }))}
                    >
                      {t("lift", { user: h.userId })}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
