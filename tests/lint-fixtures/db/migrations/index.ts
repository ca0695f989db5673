// Allowed: the list of migrations imports them.
import * as kyselyOnly from "./2026_01_01_0000_kysely_only";

export const MIGRATIONS = { "2026_01_01_0000_kysely_only": kyselyOnly };
