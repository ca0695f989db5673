import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { documentPageVersion, documentsListVersion, readPageVersion } from "../../app/models/page-versions.server";
import { hitRateLimitOfSession } from "../../app/models/rate-limits.server";
import { createSession, revokeSession } from "../../app/models/sessions.server";
import { recordConsents } from "../../app/models/users.server";
import { createDb } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";
import { insertUser } from "../setup/fixtures";

// Issue 20: a kept page's version changes with any row it shows, changed by anyone; and the rate limiter reads the
// session's user and that version in the same statement as the hit.

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.destroy();
});

describe("page versions", () => {
  it("a document's page version changes with its row, a section or a refund, and only then", async () => {
    const user = await insertUser(database.db);
    const { id } = await insertDeliveredDocument(database.db, user.id, "Versions of a page");
    const version = () => readPageVersion(database.db, documentPageVersion(id), user.id);
    const first = await version();
    expect(first).toMatch(/^document:/);
    expect(await version()).toBe(first);

    await database.db.updateTable("documents").set({ score_grammar: 0.5 }).where("id", "=", id).execute();
    const second = await version();
    expect(second).not.toBe(first);

    await database.db.updateTable("sections").set({ word_count: 999 }).where("document_id", "=", id).execute();
    const third = await version();
    expect(third).not.toBe(second);

    // The harness's delivered order carries one support refund: its confirmation changes the page.
    const changed = await database.db
      .updateTable("refunds")
      .set({ status: "failed" })
      .where("payment_id", "in", database.db.selectFrom("payments").select("id").where("document_id", "=", id))
      .executeTakeFirst();
    expect(Number(changed.numUpdatedRows)).toBe(1);
    expect(await version()).not.toBe(third);
  });

  it("another reader, an unknown id and a document being written have no version (rendered afresh)", async () => {
    const owner = await insertUser(database.db);
    const stranger = await insertUser(database.db);
    const { id } = await insertDeliveredDocument(database.db, owner.id);
    const writing = await insertDocumentInProgress(database.db, owner.id);
    expect(await readPageVersion(database.db, documentPageVersion(id), stranger.id)).toBeNull();
    expect(await readPageVersion(database.db, documentPageVersion(crypto.randomUUID()), owner.id)).toBeNull();
    expect(await readPageVersion(database.db, documentPageVersion(writing.id), owner.id)).toBeNull();
  });

  it("the documents list's version changes when any of the reader's documents changes or is added", async () => {
    const user = await insertUser(database.db);
    const empty = await readPageVersion(database.db, documentsListVersion, user.id);
    const { id } = await insertDeliveredDocument(database.db, user.id);
    const one = await readPageVersion(database.db, documentsListVersion, user.id);
    expect(one).not.toBe(empty);
    await database.db.updateTable("documents").set({ progress_percent: 99 }).where("id", "=", id).execute();
    expect(await readPageVersion(database.db, documentsListVersion, user.id)).not.toBe(one);
  });
});

describe("hitRateLimitOfSession", () => {
  it("counts a live session against its user, reads the user and the page version in the same statement", async () => {
    const user = await insertUser(database.db);
    await recordConsents(
      database.db,
      user.id,
      { essential: true, analytics: false, marketing: false },
      {
        ip: null,
        userAgent: null,
      },
    );
    await insertDeliveredDocument(database.db, user.id);
    const [a, b] = [
      await createSession(database.db, user.id, { ip: null, userAgent: null }),
      await createSession(database.db, user.id, { ip: null, userAgent: null }),
    ];
    const hit = await hitRateLimitOfSession(database.db, a.id, "ip:203.0.113.9", 5, 60, {
      alsoRead: documentsListVersion,
    });
    expect(hit.user).toMatchObject({ id: user.id, sessionId: a.id, essentialConsent: true, role: "customer" });
    expect(hit.alsoRead).toBe(await readPageVersion(database.db, documentsListVersion, user.id));
    expect(hit.result).toMatchObject({ allowed: true, remaining: 4 });
    // Another session of the same user shares the bucket.
    expect((await hitRateLimitOfSession(database.db, b.id, "ip:203.0.113.9", 5, 60)).result.remaining).toBe(3);
  });

  it("counts exactly under concurrency from two processes' pools, two sessions of one user in one bucket", async () => {
    const user = await insertUser(database.db);
    const sessions = [
      await createSession(database.db, user.id, { ip: null, userAgent: null }),
      await createSession(database.db, user.id, { ip: null, userAgent: null }),
    ];
    const second = createDb(database.url, 5);
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          hitRateLimitOfSession(i % 2 ? second : database.db, sessions[i % 2]!.id, "ip:203.0.113.11", 30, 60, {
            now: new Date("2030-01-01T00:05:10Z"), // one fixed window, whatever the clock
          }),
        ),
      );
      expect(results.filter((r) => r.result.allowed)).toHaveLength(30);
      expect(results.every((r) => r.user?.id === user.id)).toBe(true);
      const row = await database.db
        .selectFrom("rate_limits")
        .select("count")
        .where("key", "=", `user:${user.id}`)
        .where("window_start", "=", new Date("2030-01-01T00:05:00Z"))
        .executeTakeFirstOrThrow();
      expect(row.count).toBe(50);
    } finally {
      await second.destroy();
    }
  });

  it("a revoked session is nobody: its hit counts against the address, with no user and no version", async () => {
    const user = await insertUser(database.db);
    const session = await createSession(database.db, user.id, { ip: null, userAgent: null });
    await revokeSession(database.db, session.id);
    const hit = await hitRateLimitOfSession(database.db, session.id, "ip:203.0.113.10", 5, 60, {
      alsoRead: documentsListVersion,
    });
    expect(hit.user).toBeNull();
    expect(hit.alsoRead).toBeNull();
    const keys = await database.db
      .selectFrom("rate_limits")
      .select("key")
      .where("key", "=", "ip:203.0.113.10")
      .execute();
    expect(keys).toHaveLength(1);
  });
});
