import Link from "next/link";

export default function RecallNotFound() {
  return (
    <div className="space-y-3">
      <h1 className="text-2xl font-semibold">No such recall</h1>
      <p>This link does not point to a stored recall.</p>
      <Link href="/recalls" className="focus-ring rounded text-sky-700 underline dark:text-sky-400">
        Back to the recall log
      </Link>
    </div>
  );
}
