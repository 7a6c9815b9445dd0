/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // forbidden() and app/forbidden.tsx: the 403 page for a role too low (lib/auth/page-guard.ts).
  experimental: { authInterrupts: true },
};

export default nextConfig;
