"use client";
import Link from "next/link";
import type { ReactNode } from "react";
import useSWR from "swr";
import { userHref } from "@/components/recalls-table";
import { ErrorState, LoadingState } from "@/components/states";
import { Timestamp } from "@/components/timestamp";
import { UserText } from "@/components/user-id";
import { ApiError, fetchJson } from "@/lib/client/api";
import type { RecallDetail } from "@/lib/recalls/list";

const link = "focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400";

export function RecallDetailView({ id }: { id: string }) {
  const { data, error, mutate } = useSWR<RecallDetail>(`/api/recalls/${encodeURIComponent(id)}`, fetchJson, { revalidateOnFocus: false });
  const back = (
    <p className="text-sm">
      <Link href="/recalls" className={link}>
        ← Recall log
      </Link>
    </p>
  );
  if (error) {
    const missing = error instanceof ApiError && (error.status === 404 || error.status === 400);
    return (
      <div className="space-y-4">
        {back}
        <h1 className="text-2xl font-semibold">{missing ? "No such recall" : `Recall ${id}`}</h1>
        {missing ? <p>This link does not point to a stored recall.</p> : <ErrorState error={error} onRetry={() => void mutate()} />}
      </div>
    );
  }
  if (!data) {
    return (
      <div className="space-y-4">
        {back}
        <LoadingState label="Loading the recall…" />
      </div>
    );
  }
  return <RecallDetails recall={data} back={back} />;
}

function RecallDetails({ recall: r, back }: { recall: RecallDetail; back: ReactNode }) {
  const rows: [string, ReactNode][] = [
    ["Received", <Timestamp key="r" value={r.receivedAt} />],
    ["Event time", <Timestamp key="e" value={r.eventTime} empty="not sent by IM" />],
    [
      "Sender",
      <Link key="f" href={userHref(r.fromAccount)} className={link}>
        <UserText value={r.fromAccount} />
      </Link>,
    ],
    [
      "Recipient",
      <Link key="t" href={userHref(r.toAccount)} className={link}>
        <UserText value={r.toAccount} />
      </Link>,
    ],
    [
      "MsgKey",
      <span key="m" className="break-all font-mono">
        <UserText value={r.msgKey} />
      </span>,
    ],
    ["Recipient's unread count after the recall", r.unreadMsgNum ?? "not sent by IM"],
    [
      "Platform",
      r.optPlatform ? (
        <span key="p">
          <UserText value={r.optPlatform} />
          {r.optPlatformRaw && r.optPlatformRaw !== r.optPlatform ? (
            <>
              {" "}
              (sent as "<UserText value={r.optPlatformRaw} />
              ")
            </>
          ) : null}
        </span>
      ) : (
        "—"
      ),
    ],
    [
      "Client IP",
      <span key="i" className="font-mono">
        {r.clientIp === null ? "—" : <UserText value={r.clientIp} />}
      </span>,
    ],
    [
      "App (SDKAppID)",
      <span key="a" className="font-mono">
        <UserText value={r.sdkAppId} />
      </span>,
    ],
  ];
  return (
    <div className="space-y-4">
      {back}
      <h1 className="text-2xl font-semibold">Recall {r.id}</h1>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 rounded-lg border border-slate-200 bg-white p-5 sm:grid-cols-[max-content_1fr] dark:border-slate-800 dark:bg-slate-900">
        {rows.map(([label, value]) => (
          <div key={label} className="contents">
            <dt className="text-slate-500 dark:text-slate-400">{label}</dt>
            <dd data-field={label}>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="text-sm">
        <Link href={`/recalls?from=${encodeURIComponent(r.fromAccount)}&to=${encodeURIComponent(r.toAccount)}`} className={link}>
          Other recalls from <UserText value={r.fromAccount} /> to <UserText value={r.toAccount} />
        </Link>
      </p>
    </div>
  );
}
