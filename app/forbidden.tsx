import Link from "next/link";

/** Rendered with HTTP 403 when a signed-in member of staff opens a page above their role. */
export default function Forbidden() {
  return (
    <div className="space-y-3 py-8">
      <h1 className="text-2xl font-semibold">Not allowed</h1>
      <p>Your role does not include this page. Ask an admin if you need it.</p>
      <Link href="/" className="underline">
        Back to the overview
      </Link>
    </div>
  );
}
