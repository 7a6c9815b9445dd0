"use client";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { ROLES, type Role } from "@/lib/auth/roles";
import type { StaffListItem } from "@/lib/auth/staff";
import { sendJson } from "@/lib/client/api";

export function StaffAdmin({ staff, selfId }: { staff: StaffListItem[]; selfId: string }) {
  const { message, run } = useAdminAction();

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
      `Created ${email}.`,
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
            <th className="py-2">Email</th>
            <th>Name</th>
            <th>Role</th>
            <th>Status</th>
            <th>Sessions</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr key={s.id} data-staff-email={s.email} className="border-b border-slate-100 align-top dark:border-slate-800">
              <td className="py-2 font-mono">
                {s.email}
                {s.id === selfId ? " (you)" : ""}
              </td>
              <td>{s.name}</td>
              <td>
                <label className="sr-only" htmlFor={`role-${s.id}`}>
                  Role of {s.email}
                </label>
                <select
                  id={`role-${s.id}`}
                  className={input}
                  value={s.role}
                  onChange={(e) =>
                    run(
                      () => sendJson(`/api/admin/staff/${s.id}`, "PATCH", { role: e.target.value as Role }),
                      `${s.email} is now ${e.target.value}.`,
                    )
                  }
                >
                  {ROLES.map((r) => (
                    <option key={r} value={r}>
                      {r}
                    </option>
                  ))}
                </select>
              </td>
              <td>{s.disabled ? "Disabled" : "Active"}</td>
              <td className="tabular-nums">{s.activeSessions}</td>
              <td className="space-x-2 space-y-1">
                <button
                  type="button"
                  className={button}
                  onClick={() =>
                    run(
                      () => sendJson(`/api/admin/staff/${s.id}`, "PATCH", { disabled: !s.disabled }),
                      `${s.email} is ${s.disabled ? "enabled" : "disabled"}.`,
                    )
                  }
                >
                  {s.disabled ? `Enable ${s.email}` : `Disable ${s.email}`}
                </button>
                <button
                  type="button"
                  className={button}
                  onClick={() => run(() => sendJson(`/api/admin/staff/${s.id}/sessions`, "DELETE"), `Ended ${s.email}'s sessions.`)}
                >
                  End sessions of {s.email}
                </button>
                <button
                  type="button"
                  className={button}
                  onClick={() => {
                    const password = window.prompt(`New password for ${s.email} (at least 12 characters):`);
                    if (password)
                      void run(
                        () => sendJson(`/api/admin/staff/${s.id}/password`, "POST", { password }),
                        `Set a new password for ${s.email}; their sessions ended.`,
                      );
                  }}
                >
                  Reset password of {s.email}
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
          New staff account
        </h2>
        <label className="block text-sm">
          New staff email
          <input name="email" type="email" required className={`${input} mt-1 block w-full`} />
        </label>
        <label className="block text-sm">
          Name (optional)
          <input name="name" className={`${input} mt-1 block w-full`} />
        </label>
        <label className="block text-sm">
          New staff role
          <select name="role" defaultValue="viewer" className={`${input} mt-1 block w-full`}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="block text-sm">
          Initial password (at least 12 characters, not a common one)
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
          Create account
        </button>
      </form>
    </div>
  );
}
