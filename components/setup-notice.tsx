import { CallbackUrl } from "@/components/callback-url";
import type { ShownUrl } from "@/lib/http/public-url";

/** Shown until IM_SDKAPPID is set: callbacks are refused until then. */
export function SetupNotice({ callbackUrl }: { callbackUrl: ShownUrl }) {
  return (
    <section
      aria-labelledby="setup-heading"
      className="rounded-lg border border-amber-300 bg-amber-50 p-5 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      <h2 id="setup-heading" className="text-lg font-semibold">
        Finish setting up: no SDKAppID is configured
      </h2>
      <p className="mt-2">
        Callbacks are refused until you set <code className="font-mono">IM_SDKAPPID</code> to your app&apos;s SDKAppID (a comma-separated
        list for several apps) and restart.
      </p>
      <ol className="mt-3 list-decimal space-y-1 pl-6">
        <li>
          In the IM console, open <em>Callback Configuration</em> and enter this callback URL:{" "}
          <CallbackUrl
            value={callbackUrl}
            testId="callback-url"
            className="break-all rounded bg-amber-100 px-1 font-mono dark:bg-amber-900"
          />
        </li>
        <li>
          Enable <em>After a one-to-one message is recalled</em>.
        </li>
        <li>
          Optionally turn on callback authentication and set the same token as <code className="font-mono">IM_CALLBACK_TOKEN</code>.
        </li>
      </ol>
    </section>
  );
}
