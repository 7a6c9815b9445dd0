import { useTranslations } from "next-intl";
import type { ShownUrl } from "@/lib/http/public-url";

/** The callback URL, marked as a guess unless PUBLIC_URL gave it. */
export function CallbackUrl({ value, className, testId }: { value: ShownUrl; className?: string; testId?: string }) {
  const t = useTranslations("setup");
  return (
    <>
      <code className={className} data-testid={testId} data-guessed={value.guessed}>
        {value.url}
      </code>
      {value.guessed ? (
        <span className="ml-1 text-sm font-normal not-italic opacity-80" data-testid={testId ? `${testId}-guess` : undefined}>
          {t.rich("guess", { code: (chunks) => <code className="font-mono">{chunks}</code> })}
        </span>
      ) : null}
    </>
  );
}
