import { answerAuthRequest } from "@/lib/auth/auth-endpoint";

export const dynamic = "force-dynamic";

/** Public: sign-in and sign-out for /login and the Sign out button (lib/auth/auth-endpoint.ts). */
export const POST = answerAuthRequest;
export const GET = answerAuthRequest;
