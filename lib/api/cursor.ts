// Opaque page cursors: base64url of a small JSON value. Opaque so that clients pass them back
// untouched and the server may change what they hold; validated on the way in so that a mangled
// cursor is a 400 naming `cursor`, not a 500.
import { z } from "zod";

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

export function decodeCursor(text: string): unknown {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("not base64url");
  return JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
}

/** A query-string piece: the cursor text in, the decoded and validated value out. */
export function cursorParam<S extends z.ZodType>(shape: S) {
  return z
    .string()
    .max(1024, { error: "cursor is too long" })
    .transform((text, ctx): z.output<S> => {
      let raw: unknown;
      try {
        raw = decodeCursor(text);
      } catch {
        ctx.addIssue({ code: "custom", message: "not a cursor returned by this API" });
        return z.NEVER;
      }
      const parsed = shape.safeParse(raw);
      if (!parsed.success) {
        ctx.addIssue({ code: "custom", message: "not a cursor returned by this API" });
        return z.NEVER;
      }
      return parsed.data;
    });
}
