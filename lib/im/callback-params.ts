// Query parameters of an IM callback URL. Tencent's products spell them differently
// (SdkAppid, SdkAppId, contenttype), so names are matched case-insensitively.
export type CallbackParams = {
  sdkAppId?: string;
  callbackCommand?: string;
  clientIp?: string;
  optPlatform?: string;
  sign?: string;
  requestTime?: string;
};

const NAMES: Record<string, keyof CallbackParams> = {
  sdkappid: "sdkAppId",
  callbackcommand: "callbackCommand",
  clientip: "clientIp",
  optplatform: "optPlatform",
  sign: "sign",
  requesttime: "requestTime",
};

export function readCallbackParams(search: URLSearchParams): CallbackParams {
  const params: CallbackParams = {};
  for (const [name, value] of search) {
    const key = NAMES[name.toLowerCase()];
    // First occurrence wins, so a parameter appended later cannot override a signed one.
    if (key && params[key] === undefined) params[key] = value;
  }
  return params;
}
