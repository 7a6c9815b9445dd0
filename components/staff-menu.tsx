import { getTranslations } from "next-intl/server";
import { SignOutButton } from "@/components/sign-out-button";
import type { Principal } from "@/lib/auth/principal";

/** Who is signed in, their role, and the Sign out button: in the header of every page. */
export async function StaffMenu({ who }: { who: Principal }) {
  const t = await getTranslations("common");
  return (
    <div className="flex items-center gap-3 text-sm" data-testid="staff-menu">
      <span>
        <span className="sr-only">{t("signedInAs")} </span>
        <span className="font-medium" data-testid="signed-in-email">
          {who.email}
        </span>{" "}
        <span className="rounded bg-slate-100 px-1.5 py-0.5 text-xs dark:bg-slate-800" data-testid="signed-in-role">
          {t(`roles.${who.role}`)}
        </span>
      </span>
      <SignOutButton />
    </div>
  );
}
