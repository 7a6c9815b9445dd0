/**
 * Warns that callbacks are unauthenticated: without IM_CALLBACK_TOKEN anyone who knows the
 * (public) SDKAppID can post recalls. Renders nothing when a token is set. Meant for admins.
 */
export function CallbackAuthWarning({ tokenSet, allowedCidrs }: { tokenSet: boolean; allowedCidrs: readonly string[] }) {
  if (tokenSet) return null;
  return (
    <section
      role="alert"
      aria-labelledby="callback-auth-heading"
      data-testid="callback-auth-warning"
      className="rounded-lg border border-red-300 bg-red-50 p-5 text-red-950 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h2 id="callback-auth-heading" className="text-lg font-semibold">
        Callbacks are not authenticated
      </h2>
      <p className="mt-2">
        <code className="font-mono">IM_CALLBACK_TOKEN</code> is not set, so anyone who knows your SDKAppID can post recalls that will be
        stored as if IM had sent them.{" "}
        {allowedCidrs.length > 0
          ? `Only callbacks from ${allowedCidrs.join(", ")} are accepted (IM_CALLBACK_ALLOWED_CIDRS), which limits who can.`
          : "Nothing limits who can: IM_CALLBACK_ALLOWED_CIDRS is not set either."}
      </p>
      <p className="mt-2">
        Turn on callback authentication in the IM console&apos;s <em>Callback Configuration</em>, set the same token as{" "}
        <code className="font-mono">IM_CALLBACK_TOKEN</code> and restart.
      </p>
    </section>
  );
}
