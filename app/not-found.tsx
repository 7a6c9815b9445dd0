import Link from "next/link";

export default function NotFound() {
  return (
    <section className="rounded-lg border border-slate-200 bg-white p-5 dark:border-slate-800 dark:bg-slate-900">
      <h1 className="text-lg font-semibold">Page not found</h1>
      <p className="mt-2">
        There is no page at this address. Check the link, or start from the{" "}
        <Link href="/" className="focus-ring rounded text-sky-700 underline-offset-2 hover:underline dark:text-sky-400">
          overview
        </Link>
        .
      </p>
    </section>
  );
}
