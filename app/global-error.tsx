"use client";
// Replaces the root layout when the layout itself fails, so it brings its own document and styles,
// and its own words: the message files and the locale come from that failed layout, so this page
// says everything in both languages.
import { errorDigest } from "@/components/error-panel";
import "./globals.css";

export default function GlobalError({ error, retry }: { error: unknown; retry: () => void }) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 p-6 text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <title>Error · 错误 · Recall Monitor</title>
        <section
          role="alert"
          className="rounded-lg border border-red-300 bg-red-50 p-5 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
        >
          <h1 className="text-lg font-semibold">This page could not be shown</h1>
          <p className="mt-2">
            Something went wrong on the server. Try again in a moment; if it keeps happening, give your administrator this id:
          </p>
          <p className="mt-2" lang="zh-CN">
            无法显示此页面。服务器出错，请稍后重试；如果一直出现，请把这个编号告诉管理员：
          </p>
          <code className="font-mono" data-testid="error-id">
            {errorDigest(error) ?? "none"}
          </code>
          <button type="button" onClick={() => retry()} className="focus-ring mt-3 rounded border border-current px-3 py-1">
            Try again · <span lang="zh-CN">重试</span>
          </button>
        </section>
      </body>
    </html>
  );
}
