"use client";
import Link from "next/link";
import { useTranslations } from "next-intl";
import type { ReactNode } from "react";
import useSWR from "swr";
import { RevealContent } from "@/components/message-content";
import { userHref } from "@/components/recalls-table";
import { ErrorState, LoadingState } from "@/components/states";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { ApiError, fetchJson } from "@/lib/client/api";
import type { recallMessageInfo } from "@/lib/messages/recall-message";
import type { RecallDetail } from "@/lib/recalls/list";

type RecallDetailWithMessage = RecallDetail & { message: Awaited<ReturnType<typeof recallMessageInfo>> };

// data-field keeps the English names the tests (and any user script) select by, in every language.
const DATA_FIELD: Record<string, string> = {
  received: "Received",
  eventTime: "Event time",
  sender: "Sender",
  recipient: "Recipient",
  msgKey: "MsgKey",
  unread: "Recipient's unread count after the recall",
  platform: "Platform",
  clientIp: "Client IP",
  sdkAppId: "App (SDKAppID)",
};

const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";

export function RecallDetailView({ id, canReveal }: { id: string; canReveal: boolean }) {
  const t = useTranslations("recalls.detail");
  const { data, error, mutate } = useSWR<RecallDetailWithMessage>(`/api/recalls/${encodeURIComponent(id)}`, fetchJson, {
    revalidateOnFocus: false,
  });
  const back = (
    <p className="text-sm">
      <Link href="/recalls" className={link}>
        ← {t("back")}
      </Link>
    </p>
  );
  if (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <div className="space-y-4">
        {back}
        <h1 className="text-2xl font-semibold">{missing ? t("missing") : t("title", { id })}</h1>
        {missing ? <p>{t("missingBody")}</p> : <ErrorState error={error} onRetry={() => void mutate()} />}
      </div>
    );
  }
  if (!data) {
    return (
      <div className="space-y-4">
        {back}
        <LoadingState label={t("loading")} />
      </div>
    );
  }
  return <RecallDetails recall={data} back={back} canReveal={canReveal} />;
}

function RecallDetails({ recall: r, back, canReveal }: { recall: RecallDetailWithMessage; back: ReactNode; canReveal: boolean }) {
  const t = useTranslations("recalls.detail");
  const m = useTranslations("messageContent");
  const sendTime = r.message.sendTime;
  // [field key (data-field, stable across languages), value]; the label is t(key).
  const rows: [string, ReactNode][] = [
    ["received", <Timestamp key="r" value={r.receivedAt} />],
    ["eventTime", <Timestamp key="e" value={r.eventTime} empty={t("notSent")} />],
    [
      "sender",
      <Link key="f" href={userHref(r.fromAccount)} className={link}>
        <UserText value={r.fromAccount} />
      </Link>,
    ],
    [
      "recipient",
      <Link key="t" href={userHref(r.toAccount)} className={link}>
        <UserText value={r.toAccount} />
      </Link>,
    ],
    [
      "msgKey",
      <span key="m" className="break-all font-mono">
        <UserText value={r.msgKey} />
      </span>,
    ],
    ["unread", r.unreadMsgNum ?? t("notSent")],
    [
      "platform",
      r.optPlatform ? (
        <span key="p">
          <UserText value={r.optPlatform} />
          {r.optPlatformRaw && r.optPlatformRaw !== r.optPlatform ? (
            <> {t.rich("sentAs", { raw: () => <UserText value={r.optPlatformRaw ?? ""} /> })}</>
          ) : null}
        </span>
      ) : (
        "—"
      ),
    ],
    [
      "clientIp",
      <span key="i" className="font-mono">
        {r.clientIp === null ? "—" : <UserText value={r.clientIp} />}
      </span>,
    ],
    [
      "sdkAppId",
      <span key="a" className="font-mono">
        <UserText value={r.sdkAppId} />
      </span>,
    ],
  ];
  return (
    <div className="space-y-4">
      {back}
      <h1 className="text-2xl font-semibold">{t("title", { id: r.id })}</h1>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-5 sm:grid-cols-[max-content_1fr] dark:border-slate-800 dark:bg-slate-900">
        {rows.map(([field, value]) => (
          <div key={field} className="contents">
            <dt className="text-slate-500 dark:text-slate-400">{t(`fields.${field}`)}</dt>
            <dd data-field={DATA_FIELD[field]}>{value}</dd>
          </div>
        ))}
      </dl>
      <section
        aria-labelledby="message-heading"
        className="space-y-2 rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="message-heading" className="font-medium">
          {m("heading")}
        </h2>
        <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
          <dt className="text-slate-500 dark:text-slate-400">{m("sentAt")}</dt>
          <dd data-field="Sent">
            {sendTime === null ? (
              m("unknown")
            ) : sendTime.estimated ? (
              m.rich("sentAtEstimated", { time: () => <Timestamp value={sendTime.sentAt} /> })
            ) : (
              <Timestamp value={sendTime.sentAt} />
            )}
          </dd>
          <dt className="text-slate-500 dark:text-slate-400">{m("timeToRecall")}</dt>
          <dd data-field="Time to recall" data-estimated={sendTime?.estimated ?? undefined}>
            {sendTime === null ? m("unknown") : m("seconds", { s: Math.round(sendTime.timeToRecallMs / 100) / 10 })}
          </dd>
        </dl>
        <RevealContent recallId={r.id} captured={r.message.contentCaptured} canReveal={canReveal} />
      </section>
      <p className="text-sm">
        <Link href={`/recalls?from=${encodeURIComponent(r.fromAccount)}&to=${encodeURIComponent(r.toAccount)}`} className={link}>
          {t.rich("others", { from: () => <UserText value={r.fromAccount} />, to: () => <UserText value={r.toAccount} /> })}
        </Link>
      </p>
    </div>
  );
}
