// Tailwind 4 reads its configuration from app/globals.css (@theme); this file is kept for
// editors and for the project layout, and is loaded there with @config.
import type { Config } from "tailwindcss";

export default {
  content: ["./app/**/*.{ts,tsx}", "./components/**/*.{ts,tsx}"],
  darkMode: "media",
} satisfies Config;
