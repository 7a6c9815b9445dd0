import { describe, expect, it } from "vitest";
import { InvalidBodyError, parseRecallBody } from "./recall-body";

const seed =
  '{"CallbackCommand":"C2C.CallbackAfterMsgWithDraw","From_Account":"jared","To_Account":"Jonh","MsgKey":"48374_2837546_1557481126","UnreadMsgNum":7}';

describe("parseRecallBody", () => {
  it("parses the documented sample", () => {
    expect(parseRecallBody(seed)).toEqual({
      CallbackCommand: "C2C.CallbackAfterMsgWithDraw",
      From_Account: "jared",
      To_Account: "Jonh",
      MsgKey: "48374_2837546_1557481126",
      UnreadMsgNum: 7,
    });
  });

  it("accepts the Chinese page's variant: EventTime in ms, no UnreadMsgNum, no CallbackCommand", () => {
    const body = parseRecallBody('{"From_Account":"a","To_Account":"b","MsgKey":"k","EventTime":1670574414123}');
    expect(body.EventTime?.toISOString()).toBe("2022-12-09T08:26:54.123Z");
    expect(body.UnreadMsgNum).toBeUndefined();
  });

  it("accepts EventTime as a numeric string and treats null as absent", () => {
    expect(
      parseRecallBody('{"From_Account":"a","To_Account":"b","MsgKey":"k","EventTime":"1670574414123","UnreadMsgNum":null}'),
    ).toMatchObject({
      EventTime: new Date(1670574414123),
      UnreadMsgNum: null,
    });
  });

  it("drops unknown fields", () => {
    expect(parseRecallBody('{"From_Account":"a","To_Account":"b","MsgKey":"k","Surprise":1}')).not.toHaveProperty("Surprise");
  });

  it.each([
    ["not json", "body is not valid JSON"],
    ["null", "body must be a JSON object"],
    ['{"To_Account":"b","MsgKey":"k"}', "From_Account is required"],
    ['{"From_Account":1,"To_Account":"b","MsgKey":"k"}', "From_Account must be a string"],
    ['{"From_Account":"a","To_Account":"b","MsgKey":"k","UnreadMsgNum":-2}', "UnreadMsgNum must not be negative"],
    ['{"From_Account":"a","To_Account":"b","MsgKey":"k","UnreadMsgNum":1e12}', "UnreadMsgNum must be at most 2147483647"],
    ['{"From_Account":"a","To_Account":"b","MsgKey":"k","EventTime":-1}', "EventTime must be a whole number of milliseconds since 1970"],
    [
      '{"From_Account":"a","To_Account":"b","MsgKey":"k","EventTime":true}',
      "EventTime must be a number or a numeric string (milliseconds)",
    ],
    [
      '{"CallbackCommand":"State.StateChange","From_Account":"a","To_Account":"b","MsgKey":"k"}',
      'CallbackCommand in the body ("State.StateChange") does not match the URL\'s',
    ],
  ])("refuses %s with a message naming the problem", (text, message) => {
    expect(() => parseRecallBody(text)).toThrow(InvalidBodyError);
    expect(() => parseRecallBody(text)).toThrow(message);
  });
});

describe("identifiers IM never sends", () => {
  const body = (field: string, value: string) => JSON.stringify({ From_Account: "a", To_Account: "b", MsgKey: "k", [field]: value });

  it.each(["From_Account", "To_Account", "MsgKey"])("refuses every C0 and C1 control character in %s, naming the field", (field) => {
    const controls = [...Array.from({ length: 0x20 }, (_, i) => i), ...Array.from({ length: 0x21 }, (_, i) => 0x7f + i)];
    for (const code of controls) {
      const hex = code.toString(16).toUpperCase().padStart(4, "0");
      expect(() => parseRecallBody(body(field, `n1${String.fromCharCode(code)}x`))).toThrow(
        `${field} contains the control character U+${hex}`,
      );
    }
  });

  it.each(["From_Account", "To_Account", "MsgKey"])("refuses a lone UTF-16 surrogate in %s rather than storing it altered", (field) => {
    // JSON's \uD800 escape is how a lone surrogate reaches us in valid UTF-8.
    const text = `{"From_Account":"a","To_Account":"b","MsgKey":"k","${field}":"x\\ud800y"}`;
    expect(() => parseRecallBody(text)).toThrow(`${field} contains a lone UTF-16 surrogate`);
    expect(() => parseRecallBody(`{"From_Account":"a","To_Account":"b","MsgKey":"k","${field}":"x\\udfffy"}`)).toThrow(InvalidBodyError);
  });

  it.each(["From_Account", "To_Account", "MsgKey"])("refuses a whitespace-only %s", (field) => {
    for (const blank of [" ", "   ", "\u00a0", "\u3000", "\u2003 "]) {
      expect(() => parseRecallBody(body(field, blank))).toThrow(`${field} must not be blank`);
    }
  });

  it("accepts what real IDs hold: letters of any script, emoji (surrogate pairs), inner spaces, punctuation", () => {
    for (const value of ["李雷", "user 1", "a😀b", "x@y.z", "_-=+", "\u202Enimda"]) {
      expect(parseRecallBody(body("From_Account", value)).From_Account).toBe(value);
    }
  });
});
