import { expect, it } from "vitest";
import { callbackUrlFor } from "./public-url";

it("uses PUBLIC_URL when set, whatever the request's Host says", () => {
  expect(callbackUrlFor("https://recalls.example.com", { host: "evil.example", https: false })).toEqual({
    url: "https://recalls.example.com/api/im/callback",
    guessed: false,
  });
});

it("otherwise guesses from the Host header, says so, and echoes nothing that is not a host", () => {
  expect(callbackUrlFor(undefined, { host: "localhost:3000", https: false })).toEqual({
    url: "http://localhost:3000/api/im/callback",
    guessed: true,
  });
  expect(callbackUrlFor(undefined, { host: "[::1]:3000", https: true }).url).toBe("https://[::1]:3000/api/im/callback");
  expect(callbackUrlFor(undefined, { host: 'x"><script>', https: false }).url).toBe("http://<your host>/api/im/callback");
});
