import type { ShownUrl } from "@/lib/http/public-url";

/** The callback URL, marked as a guess unless PUBLIC_URL gave it. */
export function CallbackUrl({ value, className, testId }: { value: ShownUrl; className?: string; testId?: string }) {
  return (
    <>
      <code className={className} data-testid={testId} data-guessed={value.guessed}>
        {value.url}
      </code>
      {value.guessed ? (
        <span className="ml-1 text-sm font-normal not-italic opacity-80" data-testid={testId ? `${testId}-guess` : undefined}>
          (a guess from this request&apos;s address: set <code className="font-mono">PUBLIC_URL</code> to the address IM uses, over HTTPS)
        </span>
      ) : null}
    </>
  );
}
