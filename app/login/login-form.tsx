"use client";
import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";

type Answer = { ok?: boolean; error?: { code?: string; message?: string } };

// What each refusal of /api/auth/sign-in/email means, in the reader's language.
const REFUSALS: Record<string, "wrongCredentials" | "disabled" | "rateLimited" | "badRequest"> = {
  unauthenticated: "wrongCredentials",
  forbidden: "disabled",
  rate_limited: "rateLimited",
  invalid_parameter: "badRequest",
};

export function LoginForm({ next }: { next: string }) {
  const t = useTranslations("login");
  const locale = useLocale();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/api/auth/sign-in/email", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") }),
      });
      const body = (await res.json().catch(() => ({}))) as Answer;
      if (res.ok && body.ok) {
        // A full navigation, so that every server component renders with the new session.
        window.location.assign(next);
        return;
      }
      const refusal = body.error?.code ? REFUSALS[body.error.code] : undefined;
      // English keeps the server's own words (they say when to retry); other languages say the same in theirs.
      if (locale === "en" && body.error?.message) setError(body.error.message);
      else setError(refusal ? t(refusal) : t("failed", { status: res.status }));
    } catch {
      setError(t("offline"));
    }
    setBusy(false);
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-describedby={error ? "login-error" : undefined}>
      <div>
        <label htmlFor="email" className="block text-sm font-medium">
          {t("email")}
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          className="focus-ring mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          {t("password")}
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="focus-ring mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900"
        />
      </div>
      {error ? (
        <p id="login-error" role="alert" className="text-sm text-red-700 dark:text-red-400">
          {error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={busy}
        className="focus-ring w-full rounded-md bg-slate-900 px-3 py-2 font-medium text-white disabled:opacity-60 dark:bg-slate-100 dark:text-slate-900"
      >
        {t("submit")}
      </button>
    </form>
  );
}
