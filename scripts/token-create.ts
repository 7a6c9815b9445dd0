import { parseFlags, runScript, UsageError } from "./cli";

const USAGE = `
Usage: npm run token:create -- --email <email> --role <viewer|auditor|admin> --days <1-365> --name <name>

Creates a personal API token for the staff account <email> (an auditor or admin) and prints only
the token, so that it can be captured: TOKEN=$(npm run -s token:create -- ...). Send it as
"Authorization: Bearer <token>" to the JSON and export APIs. Its role cannot be higher than the
owner's; it stops working when it expires, is revoked on /settings/tokens, or its owner is disabled.

Uses the database named by DATABASE_URL (default file:./data/recall-monitor.db).
`;

runScript(USAGE, async (args) => {
  const flags = parseFlags(args, ["email", "role", "days", "name"]);
  const email = flags.get("email")?.trim().toLowerCase();
  if (!email) throw new UsageError("Give --email.");
  const { newTokenSchema, createApiToken } = await import("@/lib/auth/api-tokens");
  const input = newTokenSchema.safeParse({ name: flags.get("name") ?? "", role: flags.get("role") ?? "", days: flags.get("days") ?? "" });
  if (!input.success) {
    const issue = input.error.issues[0];
    throw new UsageError(`--${String(issue?.path[0] ?? "?")}: ${issue?.message}`);
  }
  const { config } = await import("@/lib/config");
  const { connectDb } = await import("@/lib/db/client");
  const { asRole } = await import("@/lib/auth/roles");
  const { ApiError } = await import("@/lib/api/errors");
  const db = await connectDb(config.database);
  try {
    const owner = await db.staff.findUnique({ where: { email } });
    if (!owner || owner.banned) {
      console.error(`Not created: no active staff account ${email}.`);
      process.exitCode = 1;
      return;
    }
    const created = await createApiToken(db, { id: owner.id, email: owner.email, role: asRole(owner.role) }, input.data, {
      address: "local",
      via: "command line",
    });
    console.log(created.token);
  } catch (error) {
    if (error instanceof ApiError) {
      console.error(`Not created: ${error.message}`);
      process.exitCode = 1;
      return;
    }
    throw error;
  } finally {
    await db.$disconnect();
  }
});
