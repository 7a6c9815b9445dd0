// A strict RFC 4180 reader for tests: CRLF record ends only, quoted fields with doubled quotes.
// Strict on purpose, so that a file the export gets wrong fails to parse instead of being
// silently repaired the way spreadsheet importers do.
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid CSV at offset ${i}: ${what}`);
  };
  if (text === "") return records;
  for (;;) {
    let field = "";
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) fail("unterminated quoted field");
        field += text.slice(i, q);
        if (text[q + 1] === '"') {
          field += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    } else {
      let j = i;
      while (j < text.length && text[j] !== "," && text[j] !== "\r" && text[j] !== "\n") {
        if (text[j] === '"') fail("quote inside an unquoted field");
        j++;
      }
      field = text.slice(i, j);
      i = j;
    }
    record.push(field);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "\r" && text[i + 1] === "\n") {
      records.push(record);
      record = [];
      i += 2;
      if (i === text.length) return records;
      continue;
    }
    if (i === text.length) fail("the last record does not end with CRLF");
    fail(`unexpected ${JSON.stringify(text[i])}`);
  }
}

/** Records as objects keyed by the header row. */
export function parseCsvObjects(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [header = [], ...records] = parseCsv(text);
  return {
    header,
    rows: records.map((r) => {
      if (r.length !== header.length) throw new Error(`a record has ${r.length} fields, the header ${header.length}`);
      return Object.fromEntries(header.map((h, k) => [h, r[k] ?? ""]));
    }),
  };
}
