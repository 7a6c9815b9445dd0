// Path parameters, validated like query parameters so a bad one is a 400 naming it.
import { z } from "zod";
import { userIdParam } from "@/lib/recalls/filters";

export const recallIdParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, { error: "expected a recall id (a whole number)" })
    .transform(Number),
});

// Next.js 16 hands route handlers and pages their path segments already percent-decoded, once
// (checked against the production build: `/api/users/%2541/trend` gives "%41", `100%25` gives
// "100%", `a%2Fb` gives "a/b"). Decoding again would make user "%41" the same page as user "A" and
// refuse "100%", so the segment is used as it comes. Paths that are not valid percent-encoding
// never get here: the custom server answers them (scripts/serve.ts).
export const userIdParams = z.object({ userId: userIdParam });
