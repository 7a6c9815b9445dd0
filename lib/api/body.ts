// JSON request bodies of the dashboard's write APIs, validated like query strings (a zod error
// becomes 400 invalid_parameter naming the field).
import type { z } from "zod";
import { InvalidParameterError } from "@/lib/api/errors";

const MAX_BODY_BYTES = 16 * 1024;

export async function parseJsonBody<S extends z.ZodType>(schema: S, request: Request): Promise<z.output<S>> {
  const text = await request.text();
  if (text.length > MAX_BODY_BYTES) throw new InvalidParameterError("body", `body: expected at most ${MAX_BODY_BYTES} bytes`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidParameterError("body", "body: expected JSON");
  }
  return schema.parse(value);
}
