"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import type { CreatedToken, TokenListItem } from "@/lib/auth/api-tokens";
import { ROLES, type Role, roleAtLeast } from "@/lib/auth/roles";
import { sendJson } from "@/lib/client/api";

const when = (iso: string | null) => (iso ? iso.replace("T", " ").slice(0, 16) + " UTC" : "never");

export function TokensView({ tokens, ownRole, maxDays }: { tokens: TokenListItem[]; ownRole: Role; maxDays: number }) {
  const router = useRouter();
  const [created, setCreated] = useState<{ token: string; name: string } | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function create(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setError(null);
    try {
      const token = await sendJson<CreatedToken>("/api/tokens", "POST", {
        name: data.get("name"),
        role: data.get("role"),
        days: data.get("days"),
      });
      setCreated({ token: token.token, name: token.name });
      form.reset();
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await sendJson(`/api/tokens/${id}`, "DELETE");
      router.refresh();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }

  return (
    <div className="space-y-6">
      {error ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      {created ? (
        <section
          role="status"
          className="rounded-lg border border-emerald-300 bg-emerald-50 p-4 dark:border-emerald-800 dark:bg-emerald-950"
        >
          <p className="font-semibold">Token “{created.name}” created. Copy it now: it is not shown again.</p>
          <code className="mt-2 block break-all font-mono text-sm" data-testid="new-token">
            {created.token}
          </code>
        </section>
      ) : null}
      <form onSubmit={create} className="flex flex-wrap items-end gap-3" aria-label="New API token">
        <label className="text-sm">
          Token name
          <input name="name" required maxLength={100} className={`${input} mt-1 block`} />
        </label>
        <label className="text-sm">
          Token role
          <select name="role" defaultValue="viewer" className={`${input} mt-1 block`}>
            {ROLES.filter((r) => roleAtLeast(ownRole, r)).map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          Expires in (days)
          <input name="days" type="number" min={1} max={maxDays} defaultValue={90} required className={`${input} mt-1 block w-24`} />
        </label>
        <button type="submit" className={button}>
          Create token
        </button>
      </form>
      {tokens.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No tokens yet.</p>
      ) : (
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="border-b border-slate-200 dark:border-slate-800">
              <th className="py-2">Name</th>
              <th>Prefix</th>
              <th>Role</th>
              <th>Created</th>
              <th>Expires</th>
              <th>Last used</th>
              <th>Status</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {tokens.map((t) => {
              const status = t.revokedAt ? "Revoked" : new Date(t.expiresAt) <= new Date() ? "Expired" : "Active";
              return (
                <tr key={t.id} data-token-prefix={t.prefix} className="border-b border-slate-100 dark:border-slate-800">
                  <td className="py-2">{t.name}</td>
                  <td className="font-mono">{t.prefix}…</td>
                  <td>{t.role}</td>
                  <td>{when(t.createdAt)}</td>
                  <td>{when(t.expiresAt)}</td>
                  <td>{when(t.lastUsedAt)}</td>
                  <td>{status}</td>
                  <td>
                    {status === "Active" ? (
                      <button type="button" className={button} onClick={() => revoke(t.id)}>
                        Revoke {t.name}
                      </button>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </div>
  );
}
