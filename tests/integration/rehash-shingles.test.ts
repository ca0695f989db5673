// Fingerprints of an older hash are recomputed by a versioned maintenance job, never by a migration (issue 17, item 3).
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../../app/utils/db.server";
import { rehashStaleShingles } from "../../worker/jobs/rehash-shingles";
import { parseEnv } from "../../app/utils/env.server";
import { qualityConfig } from "../../worker/quality/registry";
import { SHINGLE_HASH_VERSION, shingleSet, storeDeliveredShingles } from "../../worker/quality/shingles";
import { UniquenessChecker, uniquenessGate } from "../../worker/quality/uniqueness";
import { fakeProse } from "../fakes/openai";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});

afterAll(async () => {
  await testDb?.destroy();
});

/** A delivered document whose sections hold `texts`, with no fingerprints stored yet. */
async function deliveredDocument(label: string, texts: string[]) {
  const user = await insertUser(db);
  const document = await db
    .insertInto("documents")
    .values({ user_id: user.id, topic: label, pages: 3, language: "en", price_cents: 1500, status: "completed" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const sections = await db
    .insertInto("sections")
    .values(
      texts.map((content, index) => ({
        document_id: document.id,
        index,
        heading: `${label} ${index}`,
        brief: "brief",
        target_words: 150,
        content,
      })),
    )
    .returning(["id", "content"])
    .execute();
  return { id: document.id, sections: sections.map((s) => ({ id: s.id, text: s.content! })) };
}

/** Fingerprints as an older hash stored them: numbers no text of today hashes to, at version 0 unless told. */
async function storeOlderFingerprints(document: { id: string; sections: { id: string }[] }, version?: number) {
  const rows = document.sections.flatMap((s, i) =>
    [1, 2, 3].map((n) => ({ hash: String(1000 * (i + 1) + n), section_id: s.id, document_id: document.id })),
  );
  await db
    .insertInto("shingles")
    .values(rows.map((row) => (version === undefined ? row : { ...row, hash_version: version })))
    .execute();
}

async function storedFingerprints(documentId: string) {
  const rows = await db
    .selectFrom("shingles")
    .select(["hash", "hash_version"])
    .where("document_id", "=", documentId)
    .execute();
  return { hashes: new Set(rows.map((r) => Number(r.hash))), versions: new Set(rows.map((r) => r.hash_version)) };
}

const union = (texts: string[]) => new Set(texts.flatMap((text) => [...shingleSet(text)]));

describe("re-hashing fingerprints of an older hash version", () => {
  it("rows of an older version are re-hashed from their section's text and marked; rows of this version are left alone", async () => {
    const older = await deliveredDocument("older", [
      fakeProse(80, "an older delivery"),
      fakeProse(80, "its second section"),
    ]);
    await storeOlderFingerprints(older); // stored before versions were recorded: version 0 by the column's default
    const current = await deliveredDocument("current", [fakeProse(80, "a current delivery")]);
    await storeOlderFingerprints(current, SHINGLE_HASH_VERSION);
    expect(SHINGLE_HASH_VERSION).toBeGreaterThan(0);

    const run = await rehashStaleShingles(db);

    const expected = union(older.sections.map((s) => s.text));
    expect(run).toEqual({ documents: 1, rows: expected.size, left: false });
    expect(await storedFingerprints(older.id)).toEqual({ hashes: expected, versions: new Set([SHINGLE_HASH_VERSION]) });
    // Not recomputed: what a row of this version holds is taken as computed by this code.
    expect(await storedFingerprints(current.id)).toEqual({
      hashes: new Set([1001, 1002, 1003]),
      versions: new Set([SHINGLE_HASH_VERSION]),
    });
    // Idempotent: nothing is left to do.
    expect(await rehashStaleShingles(db)).toEqual({ documents: 0, rows: 0, left: false });
    expect((await storedFingerprints(older.id)).hashes).toEqual(expected);
  });

  it("the uniqueness gate finds a text delivered before a change of hash once its fingerprints are re-hashed", async () => {
    const text = fakeProse(120, "delivered under the older hash");
    const delivered = await deliveredDocument("delivered earlier", [text]);
    await storeOlderFingerprints(delivered);
    const newOrder = await deliveredDocument("a new order", [""]);
    const gate = uniquenessGate(qualityConfig(parseEnv({})), new UniquenessChecker());
    const check = () =>
      gate.check(
        { text: `In short, ${text}`, targetWords: 150, language: "en", documentId: newOrder.id },
        { db, sources: [], otherSections: [] },
      );

    // With the older fingerprints the copy goes unnoticed: the reason they must be re-hashed.
    expect(await check()).toMatchObject({ score: 100, passed: true });
    await rehashStaleShingles(db);
    const copied = await check();
    expect(copied.score).toBeLessThan(85);
    expect(copied.passed).toBe(false);
    expect(copied.feedback.join("\n")).toMatch(/This passage repeats a text delivered before/);
    // A delivery from now on stores this version's fingerprints: nothing for the job to do.
    await storeDeliveredShingles(db, newOrder.id, [
      { id: newOrder.sections[0].id, text: fakeProse(60, "delivered now") },
    ]);
    expect((await storedFingerprints(newOrder.id)).versions).toEqual(new Set([SHINGLE_HASH_VERSION]));
    expect(await rehashStaleShingles(db)).toEqual({ documents: 0, rows: 0, left: false });
  });

  it("a document another worker is re-hashing is left to it, and a run stops at its limit for the next run to go on", async () => {
    const documents = [];
    for (let i = 0; i < 4; i++) {
      const document = await deliveredDocument(`limit ${i}`, [
        fakeProse(40, `limit ${i} first`),
        fakeProse(40, `limit ${i} second`),
      ]);
      await storeOlderFingerprints(document);
      documents.push(document);
    }
    // Another worker holds the first document: the lock a re-hashing transaction takes.
    const other = new pg.Client({ connectionString: testDb.url });
    await other.connect();
    try {
      await other.query("begin");
      await other.query("select pg_advisory_xact_lock(hashtextextended($1, 0))", [
        `shingles-rehash:${documents[0].id}`,
      ]);
      expect(await rehashStaleShingles(db, 2)).toMatchObject({ documents: 2, left: true });
      expect(await rehashStaleShingles(db)).toMatchObject({ documents: 1, left: true });
      expect((await storedFingerprints(documents[0].id)).versions).toEqual(new Set([0]));
      await other.query("rollback");
    } finally {
      await other.end();
    }
    expect(await rehashStaleShingles(db)).toMatchObject({ documents: 1, left: false });
    for (const document of documents) {
      expect(await storedFingerprints(document.id)).toEqual({
        hashes: union(document.sections.map((s) => s.text)),
        versions: new Set([SHINGLE_HASH_VERSION]),
      });
    }
  });

  it("several workers at once re-hash each document exactly once", async () => {
    const documents = [];
    for (let i = 0; i < 8; i++) {
      const document = await deliveredDocument(`together ${i}`, [
        fakeProse(60, `together ${i} first`),
        fakeProse(60, `together ${i} second`),
      ]);
      await storeOlderFingerprints(document);
      documents.push(document);
    }
    const workers = [createDb(testDb.url, 2), createDb(testDb.url, 2), createDb(testDb.url, 2)];
    try {
      const runs = await Promise.all(workers.map((worker) => rehashStaleShingles(worker)));
      expect(runs.reduce((sum, run) => sum + run.documents, 0)).toBe(documents.length);
    } finally {
      await Promise.all(workers.map((worker) => worker.destroy()));
    }
    for (const document of documents) {
      expect(await storedFingerprints(document.id)).toEqual({
        hashes: union(document.sections.map((s) => s.text)),
        versions: new Set([SHINGLE_HASH_VERSION]),
      });
    }
    const older = await sql<{
      count: string;
    }>`select count(*) from shingles where hash_version < ${SHINGLE_HASH_VERSION}`.execute(db);
    expect(Number(older.rows[0].count)).toBe(0);
  });
});
