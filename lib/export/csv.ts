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
  /** A Date, or already ISO 8601 UTC text with milliseconds (`2026-11-26T09:25:09.123Z`). */
  receivedAt: Date | string;
  eventTime: Date | string | null;
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

const NEEDS_QUOTES = /[",\r\n]/;
// Characters a spreadsheet reads as the start of a formula (OWASP "CSV Injection", CWE-1236).
const FORMULA_START = /^[=+\-@\t\r]/;
const HAS_INNER_BREAK = /[;\r\n]/;
// Where a spreadsheet whose list separator is `;` (most European locales) starts a new cell
// inside one of our values: it honours double quotes only at the start of its own fields, and
// ours never are, so it splits at every semicolon and line break (an LF, or a CR not followed
// by LF). Dangerous only where what follows would start a formula, a quoted field (whose content
// could be one) or nothing (our closing quote would then open a quoted field).
const INNER_FIELD_START = /(;|\n|\r(?!\n))(?=[=+\-@\t\r"]|$)/g;

/**
 * One text cell: a `'` before each place a spreadsheet could start a formula, that is at the
 * start of the value if it starts like one (= + - @ tab CR), and after every semicolon or line
 * break inside it that is followed by one of those, a double quote, or the end of the value
 * (docs/export.md says exactly what changes). Then RFC 4180 quoting when the value holds a
 * comma, quote, CR or LF (quotes doubled). Otherwise the value exactly.
 */
function textCell(value: string): string {
  let text = value;
  if (HAS_INNER_BREAK.test(text)) text = text.replace(INNER_FIELD_START, "$1'");
  if (FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One cell; null (a missing value) is an empty cell. */
export function csvCell(value: string | number | null): string {
  return value === null ? "" : textCell(typeof value === "string" ? value : String(value));
}

export const CSV_HEADER = CSV_COLUMNS.join(",") + CRLF;

/** ISO 8601 in UTC with milliseconds (`2026-11-26T09:25:09.123Z`), through the same cell rule. */
const timeCell = (d: Date | string | null) => (d === null ? "" : textCell(typeof d === "string" ? d : d.toISOString()));

/** One record, CRLF included. Called once per exported row, so written out field by field. */
export function csvRow(r: CsvRecall): string {
  return `${timeCell(r.receivedAt)},${timeCell(r.eventTime)},${csvCell(r.sdkAppId)},${csvCell(r.fromAccount)},${csvCell(r.toAccount)},${csvCell(r.msgKey)},${csvCell(r.unreadMsgNum)},${csvCell(r.optPlatform)},${csvCell(r.clientIp)}${CRLF}`;
}

/** `include=content`: the default columns, then the message's text (lib/messages/content-text.ts). */
export const CSV_CONTENT_HEADER = `${CSV_COLUMNS.join(",")},content_text${CRLF}`;
export type CsvRecallWithContent = CsvRecall & { contentText: string | null };

/** Records with the content_text cell last; every other cell exactly as in the default export. */
export function csvRowsWithContent(rows: readonly CsvRecallWithContent[]): string {
  let out = "";
  for (const r of rows) out += `${csvRow(r).slice(0, -CRLF.length)},${csvCell(r.contentText)}${CRLF}`;
  return out;
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
