import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { deleteAccount } from "../../app/models/account-deletion.server";
import { useDatabase } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { eventually, insertUser } from "../setup/fixtures";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
});
afterAll(() => database?.destroy());

it("an account deletion that meets a section being finished (locks taken in the other order) wins after the deadlock", async () => {
  const db = database.db;
  const user = await insertUser(db);
  const document = await db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: "A topic in flight",
      pages: 5,
      language: "en",
      price_cents: 2500,
      status: "generating",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const section = await db
    .insertInto("sections")
    .values({
      document_id: document.id,
      index: 0,
      heading: "Introduction",
      brief: "b",
      key_points: "[]",
      source_keys: "[]",
      target_words: 500,
      status: "writing",
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  // A writer's finishing statement: the section's row first, then its order's.
  const writer = new pg.Client({ connectionString: database.url });
  await writer.connect();
  try {
    await writer.query("begin");
    await writer.query("update sections set word_count = 480 where id = $1", [section.id]);
    const deletion = deleteAccount(db, user.id, { ip: null });
    await eventually("the deletion to wait for the section's row", async () => {
      const { rows } = await writer.query(
        "select count(*)::int as n from pg_stat_activity where wait_event_type = 'Lock' and datname = current_database()",
      );
      return rows[0].n > 0;
    });
    const writerDone = writer.query("update documents set updated_at = now() where id = $1", [document.id]).then(
      () => writer.query("commit").then(() => "committed"),
      async (error: { code?: string }) => (await writer.query("rollback"), error.code),
    );
    // Postgres aborts one side of the deadlock; the deletion, if it is the one, runs again after the writer commits.
    const deleted = await deletion;
    expect(deleted).toMatchObject({ ordersCancelled: 1 });
    expect(["committed", "40P01"]).toContain(await writerDone);
  } finally {
    await writer.end();
  }
  expect(
    (await db.selectFrom("users").select("deleted_at").where("id", "=", user.id).executeTakeFirstOrThrow()).deleted_at,
  ).not.toBeNull();
  expect(await db.selectFrom("sections").select("id").where("document_id", "=", document.id).execute()).toEqual([]);
});
