"use client";
import { useTranslations } from "next-intl";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { ROLES, type Role } from "@/lib/auth/roles";
import type { StaffListItem } from "@/lib/auth/staff";
import { sendJson } from "@/lib/client/api";

export function StaffAdmin({ staff, selfId }: { staff: StaffListItem[]; selfId: string }) {
  const { message, run } = useAdminAction();
  const t = useTranslations("staff");
  const tr = useTranslations("common.roles");

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const email = String(data.get("email") ?? "");
    const created = await run(
      () =>
        sendJson("/api/admin/staff", "POST", {
          email,
          name: String(data.get("name") ?? "") || undefined,
          role: data.get("role"),
          password: data.get("password"),
        }),
      t("createdMessage", { email }),
    );
    // Kept on failure, so that only the refused field needs changing.
    if (created) form.reset();
  }

  return (
    <div className="space-y-6">
      <ActionMessage message={message} />
      <table className="w-full text-left text-sm">
        <thead>
          <tr className="border-b border-slate-200 dark:border-slate-800">
            <th className="py-2">{t("cols.email")}</th>
            <th>{t("cols.name")}</th>
            <th>{t("cols.role")}</th>
            <th>{t("cols.status")}</th>
            <th>{t("cols.sessions")}</th>
            <th>{t("cols.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr key={s.id} data-staff-email={s.email} className="border-b border-slate-100 align-top dark:border-slate-800">
              <td className="py-2 font-mono">
                {s.email}
                {s.id === selfId ? ` ${t("you")}` : ""}
              </td>
              <td>{s.name}</td>
              <td>
                <label className="sr-only" htmlFor={`role-${s.id}`}>
                  {t("roleOf", { email: s.email })}
                </label>
                <select
                  id={`role-${s.id}`}
                  className={input}
                  value={s.role}
                  onChange={(e) =>
                    run(
                      () => sendJson(`/api/admin/staff/${s.id}`, "PATCH", { role: e.target.value as Role }),
                      t("roleChanged", { email: s.email, role: tr(e.target.value as Role) }),
                    )
                  }
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {tr(r)}
                    </option>
                  ))}
                </select>
              </td>
              <td>{s.disabled ? t("disabled") : t("active")}</td>
              <td className="tabular-nums">{s.activeSessions}</td>
              <td className="space-x-2 space-y-1">
                <button
                  type="button"
                  className={button}
                  onClick={() =>
                    run(
                      () => sendJson(`/api/admin/staff/${s.id}`, "PATCH", { disabled: !s.disabled }),
                      s.disabled ? t("enabledMessage", { email: s.email }) : t("disabledMessage", { email: s.email }),
                    )
                  }
                >
                  {s.disabled ? t("enable", { email: s.email }) : t("disable", { email: s.email })}
                </button>
                <button
                  type="button"
                  className={button}
                  onClick={() => run(() => sendJson(`/api/admin/staff/${s.id}/sessions`, "DELETE"), t("sessionsEnded", { email: s.email }))}
                >
                  {t("endSessions", { email: s.email })}
                </button>
                <button
                  type="button"
                  className={button}
                  onClick={() => {
                    const password = window.prompt(t("passwordPrompt", { email: s.email }));
                    if (password)
                      void run(
                        () => sendJson(`/api/admin/staff/${s.id}/password`, "POST", { password }),
                        t("passwordSet", { email: s.email }),
                      );
                  }}
                >
                  {t("resetPassword", { email: s.email })}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <form
        onSubmit={create}
        className="max-w-md space-y-3 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
        aria-labelledby="new-staff"
      >
        <h2 id="new-staff" className="font-semibold">
          {t("newAccount")}
        </h2>
        <label className="block text-sm">
          {t("newEmail")}
          <input name="email" type="email" required className={`${input} mt-1 block w-full`} />
        </label>
        <label className="block text-sm">
          {t("newName")}
          <input name="name" className={`${input} mt-1 block w-full`} />
        </label>
        <label className="block text-sm">
          {t("newRole")}
          <select name="role" defaultValue="viewer" className={`${input} mt-1 block w-full`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {tr(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          {t("newPassword")}
          <input
            name="password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            className={`${input} mt-1 block w-full`}
          />
        </label>
        <button type="submit" className={button}>
          {t("create")}
        </button>
      </form>
    </div>
  );
}
