"use client";
import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { smallButtonClass as button, inputClass as input } from "@/components/form-styles";
import { ScrollBox } from "@/components/scroll-box";
import { useErrorText } from "@/components/states";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import type { CreatedToken, TokenListItem } from "@/lib/auth/api-tokens";
import { ROLES, type Role, roleAtLeast } from "@/lib/auth/roles";
import { sendJson } from "@/lib/client/api";

export function TokensView({ tokens, ownRole, maxDays }: { tokens: TokenListItem[]; ownRole: Role; maxDays: number }) {
  const router = useRouter();
  const t = useTranslations("tokens");
  const tr = useTranslations("common.roles");
  const errorText = useErrorText();
  const when = (iso: string | null) => <Timestamp value={iso} empty={t("never")} />;
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
      setError(errorText(e));
    }
  }

  async function revoke(id: string) {
    setError(null);
    try {
      await sendJson(`/api/tokens/${id}`, "DELETE");
      router.refresh();
    } catch (e) {
      setError(errorText(e));
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
          <p className="font-semibold">{t("created", { name: created.name })}</p>
          <code className="mt-2 block break-all font-mono text-sm" data-testid="new-token">
            {created.token}
          </code>
        </section>
      ) : null}
      <form onSubmit={create} className="flex flex-wrap items-end gap-3" aria-label={t("newToken")}>
        <label className="text-sm">
          {t("name")}
          <input name="name" required maxLength={100} className={`${input} mt-1 block`} />
        </label>
        <label className="text-sm">
          {t("role")}
          <select name="role" defaultValue="viewer" className={`${input} mt-1 block`}>
            {ROLES.filter((r) => roleAtLeast(ownRole, r)).map((r) => (
              <option key={r} value={r}>
                {tr(r)}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm">
          {t("days")}
          <input name="days" type="number" min={1} max={maxDays} defaultValue={90} required className={`${input} mt-1 block w-24`} />
        </label>
        <button type="submit" className={button}>
          {t("create")}
        </button>
      </form>
      {tokens.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <ScrollBox label={t("title")}>
          <table className="w-full text-left text-sm">
            <thead>
              <tr className="border-b border-slate-200 dark:border-slate-800">
                <th className="py-2">{t("cols.name")}</th>
                <th>{t("cols.prefix")}</th>
                <th>{t("cols.role")}</th>
                <th>{t("cols.created")}</th>
                <th>{t("cols.expires")}</th>
                <th>{t("cols.lastUsed")}</th>
                <th>{t("cols.status")}</th>
                <th>
                  <span className="sr-only">{t("cols.actions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {tokens.map((k) => {
                const status = k.revokedAt ? "revoked" : new Date(k.expiresAt) <= new Date() ? "expired" : "active";
                return (
                  <tr key={k.id} data-token-prefix={k.prefix} className="border-b border-slate-100 dark:border-slate-800">
                    <td className="py-2">
                      <bdi>{k.name}</bdi>
                    </td>
                    <td className="font-mono">{k.prefix}…</td>
                    <td>{tr(k.role)}</td>
                    <td>{when(k.createdAt)}</td>
                    <td>{when(k.expiresAt)}</td>
                    <td>{when(k.lastUsedAt)}</td>
                    <td>{t(`status.${status}`)}</td>
                    <td>
                      {status === "active" ? (
                        <button type="button" className={button} onClick={() => revoke(k.id)}>
                          {t.rich("revoke", { name: () => <UserText value={k.name} /> })}
                        </button>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </ScrollBox>
      )}
    </div>
  );
}
