"use client";
import { useTranslations } from "next-intl";

export function SignOutButton() {
  const t = useTranslations("common");
  async function signOut() {
    await fetch("/api/auth/sign-out", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }).catch(() => {});
    window.location.assign("/login");
  }
  return (
    <button
      type="button"
      onClick={signOut}
      className="focus-ring rounded-md border border-slate-300 px-2 py-1 text-sm hover:bg-slate-100 dark:border-slate-700 dark:hover:bg-slate-800"
    >
      {t("signOut")}
    </button>
  );
}
