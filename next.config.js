import createNextIntlPlugin from "next-intl/plugin";

// The request configuration: locale per request, no locale prefixes in URLs (lib/i18n/request.ts).
const withNextIntl = createNextIntlPlugin("./lib/i18n/request.ts");

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: the 403 page for a role too low (lib/auth/page-guard.ts).
  experimental: { authInterrupts: true },
};

export default withNextIntl(nextConfig);
