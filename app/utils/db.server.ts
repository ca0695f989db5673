import { CompiledQuery, Kysely, PostgresDialect, type Transaction } from "kysely";
import { createHash } from "node:crypto";
import pg from "pg";
import type { Database } from "../../db/schema";
import { logger } from "./logger.server";
import { provide, remember } from "./singleton.server";

export type Db = Kysely<Database>;
export type DbOrTrx = Kysely<Database> | Transaction<Database>;

const SLOW_QUERY_MS = 200;

const pools = new WeakMap<Db, pg.Pool>();

/**
 * A pool of at most `max` connections; `keepOpen` of them, once opened, are never closed for being idle (a worker's
 * sections all start at once: see warmPool).
 */
export function createDb(connectionString: string, max = 10, options: { keepOpen?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString, max, min: Math.min(options.keepOpen ?? 0, max) });
  survivesLostConnections(pool, "database connection");
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool }),
    log(event) {
      if (event.level === "error") {
        logger.debug({ err: event.error, sql: event.query.sql }, "query failed");
      } else if (event.queryDurationMillis > SLOW_QUERY_MS) {
        logger.warn({ ms: Math.round(event.queryDurationMillis), sql: event.query.sql }, "slow query");
      }
    },
  });
  pools.set(db, pool);
  return db;
}

/**
 * A connection cut while checked out of the pool but between queries (a transaction waiting on other work, a
 * LISTEN client) emits "error" with no listener of pg-pool's, which would end the process: Postgres restarting
 * would take every worker with it. The error is logged; the connection's next query fails and the pool drops it.
 */
export function survivesLostConnections(pool: pg.Pool, what: string): void {
  pool.on("error", (error) => logger.error({ err: error }, `idle ${what} failed`));
  pool.on("connect", (client) => client.on("error", (error) => logger.warn({ err: error }, `${what} lost`)));
}

/**
 * Opens `connections` connections now, at boot, rather than when a 100-page order's sections all start together
 * and each would wait for a new connection's authentication (SCRAM: tens of ms of hashing on both sides).
 */
export async function warmPool(db: Db, connections: number): Promise<void> {
  const pool = pools.get(db);
  if (!pool) return;
  const clients = await Promise.all(
    Array.from({ length: Math.min(connections, pool.options.max) }, () => pool.connect()),
  );
  for (const client of clients) client.release();
}

const preparedNames = new Map<string, string>();

/**
 * Runs `query` as a named prepared statement of the pool's connection: Postgres parses it once per connection and,
 * after a few runs, plans it once too. For the statement every request runs (the rate limiter's: decision 032). In a
 * transaction (no pool of its own) it runs as any other query.
 */
export async function executePrepared<R>(db: DbOrTrx, query: CompiledQuery<R>): Promise<R[]> {
  const pool = pools.get(db as Db);
  if (!pool) return (await db.executeQuery(query)).rows;
  let name = preparedNames.get(query.sql);
  if (!name) {
    name = `tesigo_${createHash("sha256").update(query.sql).digest("hex").slice(0, 24)}`;
    if (preparedNames.size < 100) preparedNames.set(query.sql, name);
  }
  const result = await pool.query<R & pg.QueryResultRow>({ name, text: query.sql, values: [...query.parameters] });
  return result.rows;
}

/** The process-wide database, provided once at boot by server.ts (or a test). */
export function getDb(): Db {
  return remember<Db>("db", () => {
    throw new Error("The database was not initialised: call useDatabase() at boot");
  });
}

export function useDatabase(db: Db): Db {
  return provide("db", db);
}

/**
 * Runs `work` in the caller's transaction when `db` is one (its locks then last until the caller commits), otherwise
 * in a transaction of its own.
 */
export function inTransaction<T>(db: DbOrTrx, work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  if (db.isTransaction) return work(db as Transaction<Database>);
  return db.transaction().execute(work);
}

/**
 * A transaction of its own, run again (up to `attempts` times) when Postgres aborts it as a deadlock's victim: for work
 * whose locks a worker may take in the other order (an account deletion locks orders, then their sections; a section's
 * finishing statement, the reverse). Nothing of an aborted try remains, so running it again is safe.
 */
export async function transactionRetryingDeadlocks<T>(
  db: Db,
  work: (trx: Transaction<Database>) => Promise<T>,
  attempts = 3,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= attempts || (error as { code?: string }).code !== "40P01") throw error;
    }
  }
}

/** pg-boss' `db` option: runs its SQL inside our Kysely transaction, so a job is sent atomically with our rows. */
export function queueDbAdapter(trx: DbOrTrx) {
  return {
    async executeSql(text: string, values: unknown[] = []) {
      const result = await trx.executeQuery(CompiledQuery.raw(text, values));
      return { rows: result.rows as any[] };
    },
  };
}
