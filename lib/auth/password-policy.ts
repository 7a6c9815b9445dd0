// Which passwords staff may choose: at least 12 characters and not in zxcvbn-ts's list of common
// passwords (about 49,000 most used, from leaked password sets). Server-side only: the list is large.
import { dictionary } from "@zxcvbn-ts/language-common";

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 256;

let common: Set<string> | undefined;

/** Why `password` is refused, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `The password is too short: use at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `The password is too long: use at most ${MAX_PASSWORD_LENGTH} characters.`;
  common ??= new Set(dictionary["passwords-common"].map((p) => p.toLowerCase()));
  if (common.has(password.toLowerCase())) return "That password is in a list of common passwords: choose another.";
  return null;
}
