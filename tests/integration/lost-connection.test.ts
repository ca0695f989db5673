import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { survivesLostConnections } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";

// Found by the chaos run (npm run chaos): Postgres restarting cut a connection a worker held between two queries of a
// transaction, pg emitted "error" with nobody listening, and the whole worker process died.
let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

it("a connection cut while checked out between queries neither ends the process nor poisons the pool", async () => {
  const pool = new pg.Pool({ connectionString: database.url, max: 1 });
  survivesLostConnections(pool, "test connection");
  const held = await pool.connect();
  const { rows } = await held.query<{ pid: number }>("select pg_backend_pid() as pid");
  const ended = new Promise((resolve) => held.once("end", resolve));
  // Without a listener of ours, the "error" this causes is thrown as an uncaught exception and fails this file.
  await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(database.db);
  await ended;
  await expect(held.query("select 1")).rejects.toThrow();
  held.release(true);
  // The pool opens a new connection in its place.
  expect((await pool.query<{ one: number }>("select 1 as one")).rows).toEqual([{ one: 1 }]);
  await pool.end();
});
