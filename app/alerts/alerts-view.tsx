"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { ScrollBox } from "@/components/scroll-box";
import { EmptyState } from "@/components/states";
import { Timestamp } from "@/components/timestamp";
import { RULE_KINDS } from "@/lib/alerts/contracts";
import type { AlertItem } from "@/lib/alerts/lifecycle";
import { subjectPath } from "@/lib/alerts/messages";
import { sendJson } from "@/lib/client/api";

export function AlertsView({ alerts, filters }: { alerts: AlertItem[]; filters: { status: string; kind: string } }) {
  const t = useTranslations("alerts");
  const { message, run } = useAdminAction();
  return (
    <div className="space-y-4">
      <form method="get" className="flex flex-wrap items-end gap-3" aria-label={t("history.filters")}>
        <label className="flex flex-col text-sm">
          {t("history.status")}
          <select name="status" defaultValue={filters.status} className={input}>
            <option value="">{t("history.any")}</option>
            <option value="firing">{t("status.firing")}</option>
            <option value="resolved">{t("status.resolved")}</option>
          </select>
        </label>
        <label className="flex flex-col text-sm">
          {t("history.kind")}
          <select name="kind" defaultValue={filters.kind} className={input}>
            <option value="">{t("history.any")}</option>
            {RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className={button}>
          {t("history.apply")}
        </button>
      </form>
      <ActionMessage message={message} />
      {alerts.length === 0 ? (
        <EmptyState>{t("history.empty")}</EmptyState>
      ) : (
        <ScrollBox label={t("history.title")}>
          <table className="w-full min-w-[44rem] text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th className="py-2">{t("history.rule")}</th>
                <th>{t("history.subject")}</th>
                <th>{t("history.status")}</th>
                <th>{t("history.fired")}</th>
                <th>{t("history.resolved")}</th>
                <th>{t("history.detail")}</th>
                <th>{t("history.acknowledged")}</th>
              </tr>
            </thead>
            <tbody>
              {alerts.map((a) => (
                <tr
                  key={a.id}
                  data-alert-id={a.id}
                  data-alert-status={a.status}
                  className="border-b border-slate-100 align-top dark:border-slate-800"
                >
                  <td className="py-2">
                    {a.ruleName} <span className="text-xs text-slate-500 dark:text-slate-400">({t(`kinds.${a.kind}`)})</span>
                  </td>
                  <td>
                    <Link className="focus-ring font-mono underline" href={subjectPath(a.kind, new URLSearchParams(a.subject).toString())}>
                      {Object.entries(a.subject)
                        .map(([k, v]) => `${k}=${v}`)
                        .join(" ")}
                    </Link>
                  </td>
                  <td>{t(`status.${a.status}`)}</td>
                  <td>
                    <Timestamp value={a.firedAt} />
                  </td>
                  <td>
                    <Timestamp value={a.resolvedAt} />
                  </td>
                  <td className="font-mono text-xs">
                    {Object.entries(a.detail)
                      .map(([k, v]) => `${k}: ${String(v)}`)
                      .join(", ")}
                  </td>
                  <td>
                    {a.acknowledgedAt ? (
                      t.rich("history.acknowledgedBy", { who: a.acknowledgedBy ?? "", when: () => <Timestamp value={a.acknowledgedAt} /> })
                    ) : (
                      <button
                        type="button"
                        className={button}
                        onClick={() =>
                          run(() => sendJson(`/api/alerts/${a.id}/acknowledge`, "POST"), t("history.acknowledgedDone", { id: a.id }))
                        }
                      >
                        {t("history.acknowledge")}
                      </button>
                    )}
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
