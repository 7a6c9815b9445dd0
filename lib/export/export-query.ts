// Query strings of the export endpoints: the recall log's shared filters (same names, same
// validation, same error messages) plus the export's own `bom` option. Paging parameters the log's
// URL may carry (limit, cursor) are ignored: an export always covers every matching row.
import { z } from "zod";
import { EXPORTS_PAGE_DEFAULT, EXPORTS_PAGE_MAX } from "@/lib/export/export-log";
import { recallFilterShape, sinceNotAfterUntil } from "@/lib/recalls/filters";

export const recallExportQuerySchema = z
  .object({
    ...recallFilterShape,
    bom: z
      .enum(["0", "1"], { error: "expected 1 (prepend a UTF-8 BOM for Excel) or 0" })
      .optional()
      .transform((v) => v === "1"),
    /** `content`: add the captured message's text (content_text); recorded as such in both logs. */
    include: z.enum(["content"], { error: "expected include=content" }).optional(),
  })
  .superRefine(sinceNotAfterUntil);

export const exportCountQuerySchema = z.object(recallFilterShape).superRefine(sinceNotAfterUntil);

export const exportsListQuerySchema = z.object({
  limit: z
    .string()
    .regex(/^\d+$/, { error: `expected a whole number from 1 to ${EXPORTS_PAGE_MAX}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(1, { error: "expected at least 1" })
        .max(EXPORTS_PAGE_MAX, { error: `expected at most ${EXPORTS_PAGE_MAX}` }),
    )
    .default(EXPORTS_PAGE_DEFAULT),
  cursor: z
    .string()
    .regex(/^\d{1,15}$/, { error: "not a cursor returned by this API" })
    .transform(Number)
    .optional(),
});
