import { describe, expect, it } from "vitest";
import { contentText } from "@/lib/messages/content-text";

describe("contentText (the export's content_text)", () => {
  it("joins text elements and summarises the rest like the recall page", () => {
    expect(
      contentText({
        MsgBody: [
          { MsgType: "TIMTextElem", MsgContent: { Text: "你好 " } },
          { MsgType: "TIMTextElem", MsgContent: { Text: "world" } },
          { MsgType: "TIMFaceElem", MsgContent: { Index: 3, Data: "[smile]" } },
          { MsgType: "TIMLocationElem", MsgContent: { Latitude: 22.5, Longitude: 113.9, Desc: "Shenzhen" } },
          { MsgType: "TIMCustomElem", MsgContent: { Data: "order:42", Desc: "Order", Ext: "" } },
          {
            MsgType: "TIMImageElem",
            MsgContent: {
              ImageInfoArray: [
                { Type: 3, Size: 1000, Width: 64, Height: 64, URL: "https://example.com/thumb" },
                { Type: 1, Size: 50000, Width: 640, Height: 480, URL: "https://example.com/big" },
              ],
            },
          },
          { MsgType: "TIMFileElem", MsgContent: { FileName: "a.pdf", FileSize: 1234, Url: "https://example.com/a.pdf" } },
          { MsgType: "TIMSoundElem", MsgContent: { Size: 900, Second: 4 } },
          { MsgType: "TIMVideoFileElem", MsgContent: { VideoSize: 8000, VideoSecond: 9 } },
          { MsgType: "TIMNewElem", MsgContent: {} },
        ],
      }),
    ).toBe(
      "你好 world [face #3 [smile]] [location 22.5, 113.9 Shenzhen] [custom Data=order:42 Desc=Order Ext=] [image 50000 bytes 640x480]" +
        " [file a.pdf 1234 bytes] [sound 900 bytes 4 s] [video 8000 bytes 9 s] [TIMNewElem]",
    );
  });
  it("never writes a message's URL", () => {
    const text = contentText({
      MsgBody: [{ MsgType: "TIMFileElem", MsgContent: { FileName: "x", FileSize: 1, Url: "https://evil.example/x" } }],
    });
    expect(text).not.toContain("evil.example");
  });
  it("is empty for a message without elements", () => {
    expect(contentText({ MsgBody: [] })).toBe("");
  });
});
