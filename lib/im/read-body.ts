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
  return decodeBody(await readBodyBytes(request, limitBytes));
}

/** The body as UTF-8 text; a byte sequence that is not UTF-8 is refused rather than replaced. */
export function decodeBody(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BodyEncodingError("body is not valid UTF-8");
  }
}

/** The body's exact bytes, with readBodyText's size limit (forwarding passes them on unchanged). */
export async function readBodyBytes(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > limitBytes) throw new BodyTooLargeError(limitBytes);
  if (!request.body) return new Uint8Array(0);

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
  return Buffer.concat(chunks);
}
