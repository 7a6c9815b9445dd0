// The CSV encoding of exported recalls: RFC 4180 with CRLF line ends, UTF-8, and formula
// injection neutralised (docs/export.md). Written by hand rather than with csv-stringify: its
// `escape_formulas` also rewrites cells starting with the full-width ＝＋－＠, which our rule does
// not cover (the exported value must otherwise be exact), and a per-row Transform stream costs
// more than building one string per page.

export const CSV_COLUMNS = [
  "received_at",
  "event_time",
  "sdk_app_id",
  "from_account",
  "to_account",
  "msg_key",
  "unread_msg_num",
  "opt_platform",
  "client_ip",
] as const;

/** The fields of one recall that the export writes, in any shape that carries them. */
export type CsvRecall = {
  receivedAt: Date;
  eventTime: Date | null;
  sdkAppId: string;
  fromAccount: string;
  toAccount: string;
  msgKey: string;
  unreadMsgNum: number | null;
  optPlatform: string | null;
  clientIp: string | null;
};

export const CRLF = "\r\n";
/** U+FEFF, which Excel needs to read the file as UTF-8. */
export const UTF8_BOM = new Uint8Array([0xef, 0xbb, 0xbf]);

// OWASP "CSV Injection" / CWE-1236: spreadsheets evaluate a cell that starts with one of these.
const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/**
 * One cell: a leading `'` if the value starts like a formula, then RFC 4180 quoting when the
 * value holds a comma, quote, CR or LF (quotes doubled). Null is an empty cell.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return "";
  let text = typeof value === "string" ? value : String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export const CSV_HEADER = CSV_COLUMNS.join(",") + CRLF;

/** ISO 8601 in UTC with milliseconds: `2026-11-26T09:25:09.123Z`. */
const iso = (d: Date | null) => (d === null ? null : d.toISOString());

/** One record, CRLF included. */
export function csvRow(r: CsvRecall): string {
  const cells = [
    iso(r.receivedAt),
    iso(r.eventTime),
    r.sdkAppId,
    r.fromAccount,
    r.toAccount,
    r.msgKey,
    r.unreadMsgNum,
    r.optPlatform,
    r.clientIp,
  ];
  let out = csvCell(cells[0] ?? null);
  for (let i = 1; i < cells.length; i++) out += `,${csvCell(cells[i] ?? null)}`;
  return out + CRLF;
}

/** Several records as one string, for one chunk of the response. */
export function csvRows(rows: readonly CsvRecall[]): string {
  let out = "";
  for (const r of rows) out += csvRow(r);
  return out;
}

/** A whole file as a string (tests and small exports; the route streams instead). */
export function toCsv(rows: readonly CsvRecall[]): string {
  return CSV_HEADER + csvRows(rows);
}
