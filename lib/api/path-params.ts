// Path parameters, validated like query parameters so a bad one is a 400 naming it.
import { z } from "zod";
import { userIdParam } from "@/lib/recalls/filters";

export const recallIdParams = z.object({
  id: z
    .string()
    .regex(/^\d{1,15}$/, { error: "expected a recall id (a whole number)" })
    .transform(Number),
});

// Next.js hands path segments over still percent-encoded in some versions; IM user IDs may be any
// Unicode, so decode once here.
export const userIdParams = z.object({
  userId: z
    .string()
    .transform((v, ctx) => {
      try {
        return decodeURIComponent(v);
      } catch {
        ctx.addIssue({ code: "custom", message: "not a valid percent-encoded user ID" });
        return z.NEVER;
      }
    })
    .pipe(userIdParam),
});
