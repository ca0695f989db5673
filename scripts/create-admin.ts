// `npm run create-admin -- EMAIL [--revoke]`: makes the address an admin (creating its account if needed), or takes
// the role away. Works with the server running or not (the embedded Postgres included) and prints one line.
import { parseArgs } from "node:util";
import { setAdminRole, type AdminRoleChange } from "../app/models/users.server";
import { createDb } from "../app/utils/db.server";
import { getEnv, loadDotEnvFile } from "../app/utils/env.server";
import { loginEmailSchema } from "../app/utils/schemas";
import { migrateToLatest } from "../db/migrate";
import { openDatabaseForTool } from "../db/open";
import { runTool } from "./run-tool";

const SAID: Record<AdminRoleChange, (email: string) => string> = {
  granted: (email) => `${email} is now an admin.`,
  granted_new_account: (email) => `${email} is now an admin (a new account: they sign in with a code sent to it).`,
  already_admin: (email) => `${email} was already an admin; nothing changed.`,
  revoked: (email) => `${email} is no longer an admin.`,
  not_admin: (email) => `${email} was not an admin; nothing changed.`,
  no_account: (email) => `There is no account for ${email}; nothing to revoke.`,
};

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: { revoke: { type: "boolean", default: false } },
    allowPositionals: true,
  });
  const parsed = loginEmailSchema.safeParse({ email: positionals[0] ?? "" });
  if (positionals.length !== 1 || !parsed.success) {
    console.error("Usage: npm run create-admin -- EMAIL [--revoke]   (EMAIL: the address the admin signs in with)");
    return 2;
  }
  loadDotEnvFile();
  const env = getEnv();
  const { url, embedded } = await openDatabaseForTool(env, () => {});
  const db = createDb(url, 2);
  try {
    await migrateToLatest(db);
    const change = await setAdminRole(db, parsed.data.email, !values.revoke);
    console.log(SAID[change](parsed.data.email.toLowerCase()));
    return 0;
  } finally {
    await db.destroy();
    await embedded?.stop();
  }
}

runTool("create-admin", main);
