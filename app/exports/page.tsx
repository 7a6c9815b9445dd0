import Link from "next/link";
import { UserText } from "@/components/user-id";
import { pathWithQuery } from "@/lib/auth/next-path";
import { requireStaffPage } from "@/lib/auth/page-guard";
import { getReadDb } from "@/lib/db/client";
import { type ExportManifest, listExports, verifyExportLog } from "@/lib/export/export-log";
import { exportsListQuerySchema } from "@/lib/export/export-query";

export const dynamic = "force-dynamic";

const STATUS_TEXT: Record<ExportManifest["status"], string> = {
  completed: "Completed",
  aborted: "Aborted",
  started: "No end recorded (still running, or the server stopped during it)",
};

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
  const entries = Object.entries(filters);
  if (entries.length === 0) return "none (every recall)";
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
  return (
    <li className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900" data-testid="export-entry">
      <div className="flex flex-wrap items-center gap-3">
        <span className="font-mono text-sm" data-testid="export-filename">
          {m.filename}
        </span>
        <span className={`rounded px-2 py-0.5 text-xs font-medium ${STATUS_CLASS[m.status]}`} data-testid="export-status">
          {STATUS_TEXT[m.status]}
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
          <dt className={dt}>Rows / bytes</dt>
          <dd className="tabular-nums">
            {m.rowCount === null ? "—" : m.rowCount.toLocaleString("en-US")} rows /{" "}
            {m.byteCount === null ? "—" : m.byteCount.toLocaleString("en-US")} bytes{m.bom ? " (with a UTF-8 BOM)" : ""}
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>Filters</dt>
          <dd className="break-all font-mono">
            <FiltersText filters={m.filters} />
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>Started / finished</dt>
          <dd>
            <Time iso={m.startedAt} /> / <Time iso={m.finishedAt} />
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>Requested by</dt>
          <dd className="font-mono">
            <UserText value={m.requestedBy} />
          </dd>
        </div>
        <div className={row}>
          <dt className={dt}>Snapshot</dt>
          <dd>recalls with id ≤ {m.snapshotMaxId.toLocaleString("en-US")}</dd>
        </div>
        {m.detail ? (
          <div className={row}>
            <dt className={dt}>Why it ended</dt>
            <dd>{m.detail}</dd>
          </div>
        ) : null}
        <div className={row}>
          <dt className={dt}>Log entries</dt>
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

  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Exports</h1>
      <section
        aria-labelledby="verify-heading"
        className="rounded-lg border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900"
      >
        <h2 id="verify-heading" className="font-semibold">
          Checking a file
        </h2>
        <p className="mt-2">
          Every CSV export is recorded here when it starts and when it ends. To prove that a file in hand is one this system produced,
          compute its SHA-256 and compare it with the entry&apos;s:{" "}
          <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">sha256sum recalls-20261126T092509Z.csv</code> (Linux),{" "}
          <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">shasum -a 256 &lt;file&gt;</code> (macOS) or{" "}
          <code className="rounded bg-slate-100 px-1 font-mono dark:bg-slate-800">Get-FileHash &lt;file&gt;</code> (Windows). The row and
          byte counts must match too. A file saved again by a spreadsheet will not match: keep the downloaded original.
        </p>
        <p className="mt-2" data-testid="chain-status">
          {chain.ok
            ? `Log intact: ${chain.entries.toLocaleString("en-US")} entries, each holding the hash of the one before${
                chain.head ? `; latest entry #${chain.head.seq} has hash ${chain.head.entryHash}` : ""
              }.`
            : `Log damaged at entry #${chain.seq}: ${chain.problem}. Entries from there on cannot be trusted.`}
        </p>
      </section>

      {!parsed.success ? (
        <p role="alert" className="text-red-700 dark:text-red-400">
          That page link is not valid; showing the newest exports.
        </p>
      ) : null}

      {page.items.length === 0 ? (
        <p className="text-slate-600 dark:text-slate-400">No exports yet. Use “Export CSV” on the recall log to make one.</p>
      ) : (
        <ol className="space-y-3" aria-label="Exports, newest first">
          {page.items.map((m) => (
            <Manifest key={m.exportId} m={m} />
          ))}
        </ol>
      )}

      <nav aria-label="Pages" className="flex gap-4">
        {parsed.success && parsed.data.cursor !== undefined ? (
          <Link href="/exports" className="underline">
            Newest exports
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link href={`/exports?cursor=${page.nextCursor}`} className="underline">
            Older exports
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
