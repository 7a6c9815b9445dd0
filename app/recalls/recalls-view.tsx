"use client";
import { useTranslations } from "next-intl";
import { useQueryStates } from "nuqs";
import { ExportCsvButton } from "@/components/export-csv-button";
import { FiltersDisclosure } from "@/components/filters-disclosure";
import { RecallFilters } from "@/components/recall-filters";
import { RecallLog } from "@/components/recall-log";
import { SavedViews } from "@/components/saved-views";
import { TimeRangePicker } from "@/components/time-range-picker";
import { queryString } from "@/lib/client/api";
import { pageSizeParams, recallFilterParams } from "@/lib/client/search-params";

/**
 * `canExport`: the role may export (auditor and up); `offerContent`: it may also export captured
 * message content, and there is a key to read it. The export API checks again.
 */
export function RecallsView({ canExport, offerContent }: { canExport: boolean; offerContent: boolean }) {
  const t = useTranslations("recalls");
  const [filters] = useQueryStates(recallFilterParams);
  const [{ limit }] = useQueryStates(pageSizeParams);
  const filtered = Object.values(filters).some(Boolean);
  const active = Object.values(filters).filter(Boolean).length;
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">{t("title")}</h1>
      <FiltersDisclosure active={active} label={t("filtersSection")}>
        <RecallFilters />
        <TimeRangePicker />
      </FiltersDisclosure>
      <SavedViews page="/recalls" />
      <RecallLog
        filters={filters}
        limit={limit}
        caption={t("caption")}
        actions={canExport ? <ExportCsvButton search={queryString(filters)} offerContent={offerContent} /> : null}
        emptyText={filtered ? t("emptyFiltered") : t("empty")}
      />
    </div>
  );
}
