"use client";
// Replaces the root layout when the layout itself fails, so it brings its own document and styles.
import { ErrorPanel } from "@/components/error-panel";
import "./globals.css";

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 p-6 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <title>Error · Recall Monitor</title>
        <ErrorPanel error={error} retry={retry} />
      </body>
    </html>
  );
}
