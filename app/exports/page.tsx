import type { Metadata } from "next";
import Link from "next/link";
import { useFormatter, useTranslations } from "next-intl";
import { getFormatter, getTranslations } from "next-intl/server";
import { UserText } from "@/components/user-id";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getReadDb } from "@/lib/db/client";
import { type ExportManifest, listExports, verifyExportLog } from "@/lib/export/export-log";
import { exportsListQuerySchema } from "@/lib/export/export-query";

export const dynamic = "force-dynamic";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("exports"))("title") };
}

const STATUS_CLASS: Record<ExportManifest["status"], string> = {
  completed: "bg-emerald-100 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-200",
  aborted: "bg-red-100 text-red-900 dark:bg-red-950 dark:text-red-200",
  started: "bg-amber-100 text-amber-900 dark:bg-amber-950 dark:text-amber-200",
};

function Time({ iso }: { iso: string | null }) {
  if (!iso) return <span>—</span>;
  return (
    <time dateTime={iso} title={iso}>
      {iso.replace("T", " ").replace("Z", " UTC")}
    </time>
  );
}

// Filter values are user IDs, MsgKeys and the like: shown through UserText like everywhere else.
function FiltersText({ filters }: { filters: Record<string, unknown> }) {
  const t = useTranslations("exports");
  const entries = Object.entries(filters);
  if (entries.length === 0) return t("noFilters");
  return entries.map(([k, v], i) => (
    <span key={k}>
      {i > 0 ? ", " : ""}
      {k}=<UserText value={String(v)} />
    </span>
  ));
}

function Manifest({ m }: { m: ExportManifest }) {
  const row = "grid grid-cols-1 gap-x-4 sm:grid-cols-[12rem_1fr]";
  const dt = "text-slate-500 dark:text-slate-400";
  const t = useTranslations("exports");
  const format = useFormatter();
  const n = (v: number | null) => (v === null ? "—" : format.number(v));
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="export-entry">
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-mono text-sm" data-testid="export-filename">
          {m.filename}
        </span>
        <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_CLASS[m.status]}`} data-testid="export-status">
          {t(`status.${m.status}`)}
        </span>
      </div>
      <dl className="mt-3 space-y-1 text-sm">
        <div className={row}>
          <dt className={dt}>SHA-256</dt>
          <dd className="break-all font-mono" data-testid="export-sha256">
            {m.sha256 ?? "—"}
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>{t("rowsBytes")}</dt>
          <dd className="tabular-nums">{t("rowsBytesValue", { rows: n(m.rowCount), bytes: n(m.byteCount), bom: m.bom ? "yes" : "no" })}</dd>
        </div>
        <div className={row}>
          <dt className={dt}>{t("filters")}</dt>
          <dd className="break-all font-mono">
            <FiltersText filters={m.filters} />
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>{t("startedFinished")}</dt>
          <dd>
            <Time iso={m.startedAt} /> / <Time iso={m.finishedAt} />
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>{t("requestedBy")}</dt>
          <dd className="font-mono">
            <UserText value={m.requestedBy} />
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>{t("snapshot")}</dt>
          <dd>{t("snapshotValue", { id: format.number(m.snapshotMaxId) })}</dd>
        </div>
        {m.detail ? (
          <div className={row}>
            <dt className={dt}>{t("whyEnded")}</dt>
            <dd>{m.detail}</dd>
          </div>
        ) : null}
        <div className={row}>
          <dt className={dt}>{t("logEntries")}</dt>
          <dd className="break-all font-mono text-xs">
            #{m.startEntry.seq} {m.startEntry.entryHash}
            {m.endEntry ? (
              <>
                <br />#{m.endEntry.seq} {m.endEntry.entryHash}
              </>
            ) : null}
          </dd>
        </div>
      </dl>
    </li>
  );
}

export default async function ExportsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const raw = await searchParams;
  await requireStaffPage("auditor", pathWithQuery("/exports", raw));
  const parsed = exportsListQuerySchema.safeParse({ cursor: typeof raw.cursor === "string" ? raw.cursor : undefined });
  const db = await getReadDb();
  const [page, chain] = await Promise.all([listExports(db, parsed.success ? parsed.data : { limit: 20 }), verifyExportLog(db)]);
  const [t, format] = await Promise.all([getTranslations("exports"), getFormatter()]);
  const code = (chunks: React.ReactNode) => <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">{chunks}</code>;

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <section
        aria-labelledby="verify-heading"
        className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="verify-heading" className="font-semibold">
          {t("checkTitle")}
        </h2>
        <p className="mt-2">
          {t.rich("checkBody", {
            linux: () => code("sha256sum recalls-20261126T092509Z.csv"),
            mac: () => code("shasum -a 256 <file>"),
            windows: () => code("Get-FileHash <file>"),
          })}
        </p>
        <p className="mt-2" data-testid="chain-status">
          {chain.ok
            ? chain.head
              ? t("chainOkHead", { entries: format.number(chain.entries), seq: chain.head.seq, hash: chain.head.entryHash })
              : t("chainOk", { entries: format.number(chain.entries) })
            : t("chainDamaged", { seq: chain.seq, problem: chain.problem })}
        </p>
      </section>

      {!parsed.success ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          {t("badCursor")}
        </p>
      ) : null}

      {page.items.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">{t("empty")}</p>
      ) : (
        <ol className="space-y-3" aria-label={t("listLabel")}>
          {page.items.map((m) => (
            <Manifest key={m.exportId} m={m} />
          ))}
        </ol>
      )}

      <nav aria-label={t("pages")} className="flex gap-4">
        {parsed.success && parsed.data.cursor !== undefined ? (
          <Link href="/exports" className="underline">
            {t("newest")}
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={`/exports?cursor=${page.nextCursor}`} className="underline">
            {t("older")}
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
