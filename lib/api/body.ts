// JSON request bodies of the dashboard's write APIs, validated like query strings (a zod error
// becomes 400 invalid_parameter naming the field).
import type { z } from "zod";
import { ApiError, InvalidParameterError } from "@/lib/api/errors";
import { BodyEncodingError, BodyTooLargeError, readBodyText } from "@/lib/im/read-body";

export const MAX_BODY_BYTES = 16 * 1024;

export async function parseJsonBody<S extends z.ZodType>(schema: S, request: Request): Promise<z.output<S>> {
  // Read with the limit, not request.text() and then a check: a client could otherwise make the
  // server hold a body of any size (10 MiB, 1 GiB) in memory before being refused.
  let text: string;
  try {
    text = await readBodyText(request, MAX_BODY_BYTES);
  } catch (error) {
    if (error instanceof BodyTooLargeError)
      throw new ApiError(413, "invalid_parameter", `body: expected at most ${MAX_BODY_BYTES} bytes`, "body");
    if (error instanceof BodyEncodingError) throw new InvalidParameterError("body", "body: expected UTF-8 text");
    throw new InvalidParameterError("body", "body: could not be read");
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new InvalidParameterError("body", "body: expected JSON");
  }
  return schema.parse(value);
}
