"use client";
// The viewer's choice between local time and UTC, kept in localStorage so that it survives reloads
// and applies to every tab (the storage event keeps open tabs in step).
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

const localFormat = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** `2026-11-26 10:49:14` in the chosen zone (UTC gets a suffix so the two can never be confused). */
export function formatTime(date: Date, mode: TimeZoneMode, withSeconds = true): string {
  if (mode === "utc") {
    const s = `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}`;
    return `${withSeconds ? `${s}:${pad(date.getUTCSeconds())}` : s} UTC`;
  }
  const parts = Object.fromEntries(localFormat.formatToParts(date).map((p) => [p.type, p.value]));
  const s = `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  return withSeconds ? `${s}:${parts.second}` : s;
}

/** Short axis label for charts: the date for daily data, date and time for hourly, time alone within a day. */
export function formatAxisTime(date: Date, mode: TimeZoneMode, unit: "second" | "time" | "hour" | "day"): string {
  const full = formatTime(date, mode, unit === "second");
  const day = full.slice(5, 10);
  if (unit === "second") return full.slice(11, 19);
  if (unit === "time") return full.slice(11, 16);
  return unit === "day" ? day : `${day} ${full.slice(11, 16)}`;
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
