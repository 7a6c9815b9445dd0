// Next.js calls register() once when the server starts.
export async function register() {
  // Next's documented guard: the ingest writer uses Node APIs (worker threads, better-sqlite3).
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { warmUpIngest } = await import("@/lib/recalls/ingest");
  warmUpIngest();
}
