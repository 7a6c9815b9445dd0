import { getDb } from "@/lib/db/client";

export async function isDatabaseUp(): Promise<boolean> {
  try {
    const db = await getDb();
    await db.$queryRaw`SELECT 1`;
    return true;
  } catch {
    return false;
  }
}
