"use client";
// The viewer's choice between local time and UTC, kept in localStorage so that it survives reloads
// and applies to every tab (the storage event keeps open tabs in step).
import { type DateTimeFormatOptions, useFormatter } from "next-intl";
import { useSyncExternalStore } from "react";

export type TimeZoneMode = "local" | "utc";

const KEY = "recall-monitor.time-zone";
const listeners = new Set<() => void>();

function read(): TimeZoneMode {
  try {
    return window.localStorage.getItem(KEY) === "utc" ? "utc" : "local";
  } catch {
    return "local";
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  const onStorage = (e: StorageEvent) => {
    if (e.key === KEY) listener();
  };
  window.addEventListener("storage", onStorage);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", onStorage);
  };
}

export function setTimeZoneMode(mode: TimeZoneMode): void {
  try {
    window.localStorage.setItem(KEY, mode);
  } catch {
    // Private mode without storage: the choice still applies until the tab closes.
  }
  for (const l of listeners) l();
}

/**
 * "utc" on the server and during hydration (the server cannot know the viewer's zone, and the first
 * client render must match the server's HTML), then the stored choice.
 */
export function useTimeZoneMode(): TimeZoneMode {
  return useSyncExternalStore(subscribe, read, () => "utc");
}

/** The viewer's own zone (client only: the server renders every time in UTC, see useTimeZoneMode). */
function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export type TimeShape = "full" | "minutes" | AxisUnit;
export type AxisUnit = "second" | "time" | "hour" | "day";

/**
 * Intl options for each kind of time the dashboard shows, in the chosen zone. The locale is next-
 * intl's (useFormatter adds it), so "Nov 26, 2026, 09:05:07" in English and "2026年11月26日 09:05:07"
 * in Chinese; a 24-hour clock in both (operators compare times across zones). Chart axes are short:
 * the date for daily data, date and time for hourly, the time alone within a day.
 */
export function timeFormatOptions(mode: TimeZoneMode, shape: TimeShape): DateTimeFormatOptions {
  const timeZone = mode === "utc" ? "UTC" : localZone();
  const clock = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" } as const;
  const date = { year: "numeric", month: "short", day: "numeric" } as const;
  switch (shape) {
    case "full":
      return { ...date, ...clock, second: "2-digit", timeZone };
    case "minutes":
      return { ...date, ...clock, timeZone };
    case "second":
      return { ...clock, second: "2-digit", timeZone };
    case "time":
      return { ...clock, timeZone };
    case "hour":
      return { month: "short", day: "numeric", ...clock, timeZone };
    case "day":
      return { month: "short", day: "numeric", timeZone };
  }
}

/** UTC gets a suffix on full times so that the two zones can never be confused. */
export function withZoneSuffix(text: string, mode: TimeZoneMode, shape: TimeShape): string {
  return mode === "utc" && (shape === "full" || shape === "minutes") ? `${text} UTC` : text;
}

/** Every time on the dashboard, in the viewer's language (next-intl's formatter) and chosen zone. */
export function useFormatTime(): (date: Date, shape?: TimeShape) => string {
  const mode = useTimeZoneMode();
  const format = useFormatter();
  return (date, shape = "full") => withZoneSuffix(format.dateTime(date, timeFormatOptions(mode, shape)), mode, shape);
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** Value for an <input type="datetime-local"> showing `iso` in the chosen zone. */
export function toInputValue(iso: string | null, mode: TimeZoneMode): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  if (mode === "utc") return d.toISOString().slice(0, 16);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** ISO 8601 UTC from an <input type="datetime-local"> value read in the chosen zone. */
export function fromInputValue(value: string, mode: TimeZoneMode): string | null {
  if (!value) return null;
  const d = new Date(mode === "utc" ? `${value}:00Z` : value);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
