"use client";
import { ActionMessage, useAdminAction } from "@/components/admin-action";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { Timestamp } from "@/components/timestamp";
import { sendJson } from "@/lib/client/api";
import type { HoldItem } from "@/lib/recalls/legal-holds";

export function HoldsAdmin({ holds }: { holds: HoldItem[] }) {
  const { message, run } = useAdminAction();

  async function place(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const userId = String(data.get("userId") ?? "");
    const placed = await run(
      () => sendJson("/api/admin/holds", "POST", { userId, reason: String(data.get("reason") ?? "") }),
      `${userId} is on hold.`,
    );
    if (placed) form.reset();
  }

  return (
    <div className="space-y-6">
      <ActionMessage message={message} />
      <form onSubmit={place} className="flex flex-wrap items-end gap-3" aria-label="Place a legal hold">
        <label className="flex flex-col text-sm">
          User ID
          <input name="userId" required maxLength={256} className={`${input} font-mono`} />
        </label>
        <label className="flex flex-1 flex-col text-sm">
          Reason
          <input name="reason" required minLength={3} maxLength={500} className={input} placeholder="case or request reference" />
        </label>
        <button type="submit" className={button}>
          Place hold
        </button>
      </form>
      {holds.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No user is on hold.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th className="py-2">User ID</th>
              <th>Reason</th>
              <th>Placed</th>
              <th>Status</th>
              <th>Actions</th>
            </tr>
          </thead>
          <tbody>
            {holds.map((h) => (
              <tr key={h.id} data-hold-user={h.userId} className="border-b border-slate-100 align-top dark:border-slate-800">
                <td className="py-2 font-mono">{h.userId}</td>
                <td>{h.reason}</td>
                <td>
                  <Timestamp value={h.placedAt} /> by {h.placedBy}
                </td>
                <td>
                  {h.liftedAt ? (
                    <>
                      Lifted <Timestamp value={h.liftedAt} /> by {h.liftedBy}
                    </>
                  ) : (
                    "Active"
                  )}
                </td>
                <td>
                  {h.liftedAt ? null : (
                    <button
                      type="button"
                      className={button}
                      onClick={() => run(() => sendJson(`/api/admin/holds/${h.id}`, "DELETE"), `The hold on ${h.userId} is lifted.`)}
                    >
                      Lift hold on {h.userId}
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
