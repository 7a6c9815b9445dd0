// Two admins demoting (or disabling) each other at the same moment must not leave the app with no
// active admin: the check and the change are one transaction with the admins' rows locked.
import { afterAll, beforeAll, expect, it } from "vitest";
import { changeRole, createStaff, setDisabled } from "@/lib/auth/staff";
import { connectDb, type Db } from "@/lib/db/client";
import { createTestDatabase, type TestDatabase } from "../support/databases";

let testDb: TestDatabase;
let db: Db;
beforeAll(async () => {
  testDb = await createTestDatabase();
  db = await connectDb(testDb.database);
});
afterAll(async () => {
  await db?.$disconnect();
  await testDb?.drop();
});

const cli = { actor: null, address: "test" };
const activeAdmins = () => db.staff.count({ where: { role: "admin", NOT: { banned: true } } });

it.each([
  ["demote", (id: string) => changeRole(db, id, "viewer", cli)],
  ["disable", (id: string) => setDisabled(db, id, true, cli)],
] as const)("never lets two admins %s each other into no admin at all", async (what, change) => {
  for (let round = 0; round < 5; round++) {
    const pair = await Promise.all(
      ["a", "b"].map((who) =>
        createStaff(db, { email: `${what}-${round}-${who}@test.example`, password: "a long test passphrase 42", role: "admin" }, cli),
      ),
    );
    // Only these two are admins: the ones of earlier rounds are demoted directly.
    await db.staff.updateMany({ where: { role: "admin", id: { notIn: pair.map((p) => p.id) } }, data: { role: "viewer" } });
    const results = await Promise.allSettled(pair.map((p) => change(p.id)));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected");
    expect(String(refused?.status === "rejected" ? refused.reason : "")).toMatch(/last active admin/);
    expect(await activeAdmins()).toBe(1);
  }
});
