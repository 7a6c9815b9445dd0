// The callback URL the overview shows to enter in the IM console. A request's Host and
// X-Forwarded-Host are chosen by whoever sends it, so they can only ever give a guess; PUBLIC_URL
// is the answer.

export type ShownUrl = { url: string; guessed: boolean };

export const CALLBACK_PATH = "/api/im/callback";

/** From PUBLIC_URL when set; otherwise a guess from this request's Host header and protocol, said to be one. */
export function callbackUrlFor(publicUrl: string | undefined, request: { host: string | null; https: boolean }): ShownUrl {
  if (publicUrl) return { url: `${publicUrl}${CALLBACK_PATH}`, guessed: false };
  // Only a plausible host[:port] is echoed; anything else is replaced by a placeholder.
  const host =
    request.host && /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/.test(request.host)
      ? request.host
      : "<your host>";
  return { url: `${request.https ? "https" : "http"}://${host}${CALLBACK_PATH}`, guessed: true };
}
