"use client";
import { useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import { ExportCsvButton } from "@/components/export-csv-button";
import { RecallFilters } from "@/components/recall-filters";
import { RecallLog } from "@/components/recall-log";
import { TimeRangePicker } from "@/components/time-range-picker";
import { queryString } from "@/lib/client/api";
import { pageSizeParams, recallFilterParams } from "@/lib/client/search-params";

/** `canExport`: the role may export (auditor and up); the export API checks again. */
export function RecallsView({ canExport }: { canExport: boolean }) {
  const t = useTranslations("recalls");
  const [filters] = useQueryStates(recallFilterParams);
  const [{ limit }] = useQueryStates(pageSizeParams);
  const filtered = Object.values(filters).some(Boolean);
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <section
        aria-label={t("filtersSection")}
        className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
      >
        <RecallFilters />
        <TimeRangePicker />
      </section>
      <RecallLog
        filters={filters}
        limit={limit}
        caption={t("caption")}
        actions={canExport ? <ExportCsvButton search={queryString(filters)} /> : null}
        emptyText={filtered ? t("emptyFiltered") : t("empty")}
      />
    </div>
  );
}
