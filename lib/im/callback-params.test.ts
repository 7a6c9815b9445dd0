import { describe, expect, it } from "vitest";
import { readCallbackParams } from "./callback-params";

describe("readCallbackParams", () => {
  it("reads Tencent's parameters whatever their casing", () => {
    const q = new URLSearchParams(
      "SdkAppId=1400&CALLBACKCOMMAND=C2C.CallbackAfterMsgWithDraw&contenttype=json&clientip=1.2.3.4&OptPlatform=Web&sign=ab&requesttime=12",
    );
    expect(readCallbackParams(q)).toEqual({
      sdkAppId: "1400",
      callbackCommand: "C2C.CallbackAfterMsgWithDraw",
      clientIp: "1.2.3.4",
      optPlatform: "Web",
      sign: "ab",
      requestTime: "12",
    });
  });

  it("keeps the first of repeated parameters and leaves absent ones undefined", () => {
    expect(readCallbackParams(new URLSearchParams("SdkAppid=1&sdkappid=2"))).toEqual({ sdkAppId: "1" });
  });
});
