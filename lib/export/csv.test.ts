import { describe, expect, it } from "vitest";
import { type CsvRecall, csvCell, csvRow, toCsv } from "@/lib/export/csv";
import { parseCsv } from "@/tests/support/csv";

const HEADER = "received_at,event_time,sdk_app_id,from_account,to_account,msg_key,unread_msg_num,opt_platform,client_ip\r\n";

function recall(overrides: Partial<CsvRecall> = {}): CsvRecall {
  return {
    receivedAt: new Date("2026-11-26T09:25:09.123Z"),
    eventTime: new Date("2026-11-26T09:25:08.000Z"),
    sdkAppId: "1400000001",
    fromAccount: "alice",
    toAccount: "bob",
    msgKey: "48374_2837546_1557481126",
    unreadMsgNum: 7,
    optPlatform: "iOS",
    clientIp: "203.0.113.7",
    ...overrides,
  };
}

describe("toCsv", () => {
  it("writes only the header row for an empty result", () => {
    expect(toCsv([])).toBe(HEADER);
  });

  it("writes the columns in order, times in ISO 8601 UTC with milliseconds, CRLF line ends", () => {
    expect(toCsv([recall()])).toBe(
      `${HEADER}2026-11-26T09:25:09.123Z,2026-11-26T09:25:08.000Z,1400000001,alice,bob,48374_2837546_1557481126,7,iOS,203.0.113.7\r\n`,
    );
  });

  it("leaves a cell empty for each missing value, and writes zero as 0", () => {
    const row = csvRow(recall({ eventTime: null, unreadMsgNum: null, optPlatform: null, clientIp: null }));
    expect(row).toBe("2026-11-26T09:25:09.123Z,,1400000001,alice,bob,48374_2837546_1557481126,,,\r\n");
    expect(csvRow(recall({ unreadMsgNum: 0 }))).toContain(",0,iOS,");
  });

  it("writes an empty string as an empty cell", () => {
    expect(csvRow(recall({ fromAccount: "" }))).toContain("1400000001,,bob,");
  });

  it("round-trips awkward values through a strict RFC 4180 reader", () => {
    const values = ["a,b", 'say "hi"', "line1\r\nline2", "cr\ronly", "lf\nonly", '"', ",", "plain"];
    const csv = toCsv(values.map((v) => recall({ fromAccount: v })));
    const [, ...records] = parseCsv(csv);
    expect(records.map((r) => r[3])).toEqual(values);
  });
});

describe("csvCell quoting (RFC 4180)", () => {
  it("quotes a value with a comma", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
  });
  it("quotes a value with a quote and doubles the quote", () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
  });
  it("quotes values with CR or LF inside", () => {
    expect(csvCell("a\r\nb")).toBe('"a\r\nb"');
    expect(csvCell("a\nb")).toBe('"a\nb"');
    expect(csvCell("a\rb")).toBe('"a\rb"');
  });
  it("leaves other values exactly as they are", () => {
    for (const v of ["alice", "user with spaces", " padded ", "a;b", "a\tb", "100%", "a'b", "1=1", "x-y"]) expect(csvCell(v)).toBe(v);
  });
});

describe("formula injection (OWASP CSV injection, CWE-1236)", () => {
  it.each([
    ["=", '=HYPERLINK("http://evil","x")', '"\'=HYPERLINK(""http://evil"",""x"")"'],
    ["+", "+1+2", "'+1+2"],
    ["-", "-2+3", "'-2+3"],
    ["@", "@SUM(A1)", "'@SUM(A1)"],
    ["tab", "\t=1", "'\t=1"],
    ["carriage return", "\r1", '"\'\r1"'],
  ])("prefixes a cell starting with %s with a single quote", (_name, value, cell) => {
    expect(csvCell(value)).toBe(cell);
    const [header, record] = parseCsv(`x\r\n${cell}\r\n`);
    expect(header).toEqual(["x"]);
    expect(record).toEqual([`'${value}`]);
  });

  it("does not touch those characters anywhere but the start", () => {
    expect(csvCell("a=b+c-d@e")).toBe("a=b+c-d@e");
  });

  it("neutralises every user-controlled column, not only the user IDs", () => {
    const row = csvRow(
      recall({ sdkAppId: "=1", fromAccount: "+a", toAccount: "-b", msgKey: "@c", optPlatform: "\tiOS", clientIp: "=cmd|' /C calc'!A0" }),
    );
    const [cells] = parseCsv(row);
    expect(cells?.slice(2)).toEqual(["'=1", "'+a", "'-b", "'@c", "7", "'\tiOS", "'=cmd|' /C calc'!A0"]);
  });
});

describe("Unicode", () => {
  it("keeps non-BMP characters (emoji, CJK extension B) intact through UTF-8", () => {
    const from = "😀用户𠮷";
    const csv = toCsv([recall({ fromAccount: from, toAccount: "Ünïcödé" })]);
    const bytes = new TextEncoder().encode(csv);
    const decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    const [, record] = parseCsv(decoded);
    expect(record?.[3]).toBe(from);
    expect(record?.[4]).toBe("Ünïcödé");
    // 😀 is 4 bytes in UTF-8, 𠮷 too: no surrogate halves were written separately.
    expect(Buffer.from(from, "utf8")).toHaveLength(4 + 3 + 3 + 4);
    expect(Buffer.from(bytes).includes(Buffer.from("😀用户𠮷", "utf8"))).toBe(true);
  });
});

/**
 * How a spreadsheet reads the file when its list separator is `sep`: double quotes are honoured
 * only at the start of a field (Excel's and LibreOffice's rule), a record ends at CRLF, LF or a
 * lone CR outside quotes. Returns every field, unquoted.
 */
function spreadsheetFields(text: string, sep: "," | ";"): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i <= text.length) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) {
          field += text.slice(i);
          i = text.length;
          break;
        }
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    }
    while (i < text.length && text[i] !== sep && text[i] !== "\r" && text[i] !== "\n") field += text[i++];
    fields.push(field);
    if (i >= text.length) break;
    if (text[i] === "\r" && text[i + 1] === "\n") i += 2;
    else i += 1;
  }
  return fields;
}

const isFormula = (field: string) => /^[=+\-@\t\r]/.test(field);

/** Undoes the documented neutralisation: what an auditor does to recover the exact value. */
function restore(cell: string): string {
  const inner = cell.replace(/(;|\n|\r(?!\n))'(?=[=+\-@\t\r"]|$)/g, "$1");
  return /^'[=+\-@\t\r]/.test(inner) ? inner.slice(1) : inner;
}

describe("formula injection with a semicolon or comma list separator", () => {
  const hostile = [
    "a;=1+1",
    "a;+1",
    "a;-1",
    "a;@SUM(A1)",
    'x;=HYPERLINK("http://evil.example";"click")',
    "a\n=1+1",
    "a\r\n=1+1",
    "a\r=1+1",
    "a\n\n=1",
    'a;"=1+1"',
    'a\n"=1+1"',
    "a;",
    "a\n",
    ";=1",
    "=1;=2\n=3",
    "a;\t=1",
    "a;\r\n=1",
    "a,=1+1",
    'a","=1+1',
  ];

  it.each(["," as const, ";" as const])("leaves no formula cell when opened with %s as the list separator", (sep) => {
    // Every column the user controls, hostile values in each, in one file.
    const rows = hostile.flatMap((v) => [
      recall({ fromAccount: v }),
      recall({ toAccount: v, msgKey: v }),
      recall({ optPlatform: v, clientIp: v, sdkAppId: v }),
    ]);
    const fields = spreadsheetFields(toCsv(rows), sep);
    expect(fields.filter(isFormula)).toEqual([]);
  });

  it("neutralises exactly at the documented places and nowhere else", () => {
    expect(csvCell("a;=1+1")).toBe("a;'=1+1");
    expect(csvCell("a\n=1+1")).toBe('"a\n\'=1+1"');
    expect(csvCell("a\r\n=1+1")).toBe('"a\r\n\'=1+1"');
    expect(csvCell("a;")).toBe("a;'");
    expect(csvCell('a;"b')).toBe('"a;\'""b"');
    expect(csvCell("\r=1")).toBe("\"'\r'=1\"");
    // Separators followed by anything harmless, and commas (quoted by RFC 4180), are untouched.
    for (const v of ["a;b", "a; =1", "a,=1", "line1\r\nline2", "a;1", "50%;60%"])
      expect(parseCsv(`x\r\n${csvCell(v)}\r\n`)[1]).toEqual([v]);
  });

  it("keeps every value byte-exact apart from the neutralising quotes: removing them restores it", () => {
    const values = [...hostile, "plain", "李雷;=x", "😀\n@", "a'b", "'=already quoted", "=1", "-", "@", "\t"];
    const [, ...records] = parseCsv(toCsv(values.map((v) => recall({ fromAccount: v }))));
    expect(records.map((r) => restore(r[3] ?? ""))).toEqual(values.map((v) => (v === "'=already quoted" ? "=already quoted" : v)));
  });
});
