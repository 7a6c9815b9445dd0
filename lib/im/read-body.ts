export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`body is larger than ${limitBytes} bytes`);
  }
}

export class BodyEncodingError extends Error {}

/**
 * Reads a request body as UTF-8 text, giving up as soon as it passes `limitBytes`, so an
 * oversized body is never held in memory whole. A declared Content-Length over the limit is
 * refused before reading anything.
 */
export async function readBodyText(request: Request, limitBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  if (!request.body) return "";

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel().catch(() => {});
      throw new BodyTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new BodyEncodingError("body is not valid UTF-8");
  }
}
