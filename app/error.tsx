"use client";
import { useEffect } from "react";
import { ErrorPanel, errorDigest } from "@/components/error-panel";

export default function PageError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    // A failure in the browser has no digest and no server log line: the console is where it shows.
    if (!errorDigest(error)) console.error(error);
  }, [error]);
  return <ErrorPanel error={error} retry={retry} />;
}
