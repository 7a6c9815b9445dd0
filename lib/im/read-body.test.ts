import { describe, expect, it } from "vitest";
import { BodyEncodingError, BodyTooLargeError, readBodyText } from "./read-body";

const streamOf = (chunks: Uint8Array[], onPull?: () => void) => {
  let i = 0;
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        onPull?.();
        const c = chunks[i++];
        if (c) controller.enqueue(c);
        else controller.close();
      },
    },
    { highWaterMark: 0 },
  );
};
const request = (body: ReadableStream<Uint8Array> | string, headers: Record<string, string> = {}) =>
  new Request("http://x/", { method: "POST", body, headers, duplex: "half" } as RequestInit);

describe("readBodyText", () => {
  it("reads a body up to the limit", async () => {
    expect(await readBodyText(request("héllo"), 6)).toBe("héllo");
  });

  it("refuses a declared Content-Length over the limit without reading", async () => {
    let pulls = 0;
    const body = streamOf([new Uint8Array(10)], () => pulls++);
    await expect(readBodyText(request(body, { "content-length": "1000" }), 100)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulls).toBe(0);
  });

  it("stops reading as soon as an undeclared body passes the limit", async () => {
    let pulls = 0;
    const chunks = Array.from({ length: 100 }, () => new Uint8Array(1024));
    await expect(readBodyText(request(streamOf(chunks, () => pulls++)), 4096)).rejects.toBeInstanceOf(BodyTooLargeError);
    expect(pulls).toBeLessThan(10);
  });

  it("refuses invalid UTF-8", async () => {
    await expect(readBodyText(request(streamOf([new Uint8Array([0xc3, 0x28])])), 100)).rejects.toBeInstanceOf(BodyEncodingError);
  });
});
