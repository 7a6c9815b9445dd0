import { parseFlags, runScript, UsageError } from "./cli";
import { readNewPassword } from "./read-password";

const USAGE = `
Usage: npm run staff:create -- --email <email> --role <viewer|auditor|admin> [--name <name>]

Creates a staff account that can sign in on /login. Use it once for the first admin; admins then
create everyone else on /admin/staff.

The password is read from the first line of standard input when it is not a terminal
(e.g. printf '%s\\n' "$PASSWORD" | npm run staff:create -- ...), otherwise asked for twice without
echo. It must have at least 12 characters and must not be a common password. There is no default
password.

Roles: viewer (dashboard pages and JSON APIs), auditor (also CSV export, the export log and the
access log), admin (also manages staff accounts).

Uses the database named by DATABASE_URL (default file:./data/recall-monitor.db), applying pending
migrations first. Exits with status 1 and says why when the account cannot be created.
`;

runScript(USAGE, async (args) => {
  const flags = parseFlags(args, ["email", "role", "name"]);
  const email = flags.get("email");
  const role = flags.get("role");
  if (!email || !role) throw new UsageError("Give both --email and --role.");
  const { roleSchema } = await import("@/lib/auth/roles");
  const { emailSchema, createStaff } = await import("@/lib/auth/staff");
  const emailOk = emailSchema.safeParse(email);
  if (!emailOk.success) throw new UsageError(`--email: ${emailOk.error.issues[0]?.message}`);
  const roleOk = roleSchema.safeParse(role);
  if (!roleOk.success) throw new UsageError(`--role: ${roleOk.error.issues[0]?.message}`);

  const { config } = await import("@/lib/config");
  const { applyMigrations } = await import("@/lib/db/migrations");
  const { connectDb } = await import("@/lib/db/client");
  const { ApiError } = await import("@/lib/api/errors");
  const password = await readNewPassword();
  await applyMigrations(config.database);
  const db = await connectDb(config.database);
  try {
    const created = await createStaff(
      db,
      { email: emailOk.data, role: roleOk.data, name: flags.get("name"), password },
      { actor: null, address: "local" },
    );
    console.log(`Created ${created.role} ${created.email}. They can sign in on /login now.`);
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
