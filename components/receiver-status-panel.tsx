import { useFormatter, useTranslations } from "next-intl";
import { CallbackUrl } from "@/components/callback-url";
import { UserText } from "@/components/user-id";
import type { ShownUrl } from "@/lib/http/public-url";
import type { ReceiverStatus } from "@/lib/receiver-status";

function Time({ at }: { at: Date | null }) {
  const t = useTranslations("receiver");
  if (!at) return <span>{t("never")}</span>;
  const iso = at.toISOString();
  return (
    <time dateTime={iso} title={iso}>
      {iso.replace("T", " ").slice(0, 19)} UTC
    </time>
  );
}

export function ReceiverStatusPanel({ status, callbackUrl }: { status: ReceiverStatus; callbackUrl: ShownUrl }) {
  const t = useTranslations("receiver");
  const format = useFormatter();
  return (
    <section
      aria-labelledby="receiver-heading"
      className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
    >
      <h2 id="receiver-heading" className="text-lg font-semibold">
        {t("title")}
      </h2>
      <dl className="mt-3 grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
        <dt className="text-slate-500 dark:text-slate-400">{t("callbackUrl")}</dt>
        <dd className="break-all">
          <CallbackUrl value={callbackUrl} testId="receiver-callback-url" className="font-mono" />
        </dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("apps")}</dt>
        <dd data-testid="sdkappids">{status.sdkAppIds.length ? status.sdkAppIds.join(", ") : t("noneConfigured")}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("auth")}</dt>
        <dd>{status.signRequired ? t("authOn") : t("authOff")}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("recallsStored")}</dt>
        <dd data-testid="recall-count">{format.number(status.recalls)}</dd>
        <dt className="text-slate-500 dark:text-slate-400">{t("lastCallback")}</dt>
        <dd>
          <Time at={status.lastCallbackAt} />
        </dd>
      </dl>
      {status.commands.length > 0 ? (
        <table className="mt-4 w-full text-left text-sm">
          <caption className="sr-only">{t("caption")}</caption>
          <thead className="text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-1 pr-4 font-medium">
                {t("app")}
              </th>
              <th scope="col" className="py-1 pr-4 font-medium">
                {t("command")}
              </th>
              <th scope="col" className="py-1 pr-4 text-right font-medium">
                {t("callbacks")}
              </th>
              <th scope="col" className="py-1 font-medium">
                {t("lastReceived")}
              </th>
            </tr>
          </thead>
          <tbody>
            {status.commands.map((c) => (
              <tr key={`${c.sdkAppId}/${c.command}`} className="border-t border-slate-100 dark:border-slate-800">
                <td className="py-1 pr-4 font-mono">
                  <UserText value={c.sdkAppId} />
                </td>
                <td className="py-1 pr-4 font-mono">
                  <UserText value={c.command} />
                </td>
                <td className="py-1 pr-4 text-right tabular-nums">{format.number(c.count)}</td>
                <td className="py-1">
                  <Time at={c.lastReceivedAt} />
                </td>
              </tr>
            ))}
            {status.otherCommands ? (
              <tr className="border-t border-slate-100 text-slate-500 dark:border-slate-800 dark:text-slate-400">
                <td className="py-1 pr-4" colSpan={2}>
                  {t("otherCommands", { count: status.otherCommands.commands })}
                </td>
                <td className="py-1 pr-4 text-right tabular-nums">{format.number(status.otherCommands.count)}</td>
                <td className="py-1" />
              </tr>
            ) : null}
          </tbody>
        </table>
      ) : (
        <p className="mt-4 text-slate-500 dark:text-slate-400">{t("noneYet")}</p>
      )}
    </section>
  );
}
