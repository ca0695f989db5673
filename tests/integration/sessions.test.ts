import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSession, getSessionUser, revokeAllSessions, revokeSession } from "../../app/models/sessions.server";
import { findOrCreateUserByEmail, hasEssentialConsent, recordConsents } from "../../app/models/users.server";
import { useDatabase } from "../../app/utils/db.server";
import { getUserFromCookie, startSession } from "../../app/utils/session-cookie.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let database: TestDatabase;
const origin = { ip: "203.0.113.7", userAgent: "vitest" };

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
});
afterAll(() => database?.destroy());

describe("users", () => {
  it("finds the same user whatever the case of the email", async () => {
    const a = await findOrCreateUserByEmail(database.db, "Mixed.Case@Example.com");
    const b = await findOrCreateUserByEmail(database.db, "mixed.case@example.COM ");
    expect(a!.id).toBe(b!.id);
    expect(a!.email).toBe("mixed.case@example.com");
  });

  it("records consents with time, address and agent; essential is what counts", async () => {
    const user = (await findOrCreateUserByEmail(database.db, "consent@example.com"))!;
    expect(await hasEssentialConsent(database.db, user.id)).toBe(false);
    await recordConsents(database.db, user.id, { essential: true, analytics: false, marketing: true }, origin);
    expect(await hasEssentialConsent(database.db, user.id)).toBe(true);
    const rows = await database.db
      .selectFrom("consents")
      .selectAll()
      .where("user_id", "=", user.id)
      .orderBy("kind")
      .execute();
    expect(rows.map((r) => [r.kind, r.granted, r.ip, r.user_agent])).toEqual([
      ["analytics", false, "203.0.113.7", "vitest"],
      ["essential", true, "203.0.113.7", "vitest"],
      ["marketing", true, "203.0.113.7", "vitest"],
    ]);
    expect(rows.every((r) => r.created_at instanceof Date)).toBe(true);
  });
});

describe("database sessions", () => {
  it("a signed cookie leads to its session row's user, until the row is revoked", async () => {
    const user = (await findOrCreateUserByEmail(database.db, "cookie@example.com"))!;
    const setCookie = await startSession(user.id, origin);
    const cookie = setCookie.split(";")[0];
    expect((await getUserFromCookie(cookie))?.id).toBe(user.id);

    const forged = cookie.replace(/.$/, (c) => (c === "a" ? "b" : "a"));
    expect(await getUserFromCookie(forged)).toBeNull();

    const row = await database.db
      .selectFrom("sessions")
      .selectAll()
      .where("user_id", "=", user.id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ ip: "203.0.113.7", user_agent: "vitest", revoked_at: null });
    await revokeSession(database.db, row.id);
    expect(await getUserFromCookie(cookie)).toBeNull();
  });

  it("sign out everywhere ends every session of that user only", async () => {
    const user = (await findOrCreateUserByEmail(database.db, "everywhere@example.com"))!;
    const other = (await findOrCreateUserByEmail(database.db, "other@example.com"))!;
    const mine = [await createSession(database.db, user.id, origin), await createSession(database.db, user.id, origin)];
    const theirs = await createSession(database.db, other.id, origin);
    expect(await revokeAllSessions(database.db, user.id)).toBe(2);
    for (const s of mine) expect(await getSessionUser(database.db, s.id)).toBeUndefined();
    expect((await getSessionUser(database.db, theirs.id))?.id).toBe(other.id);
  });

  it("an expired session or a deleted user signs nobody in", async () => {
    const user = (await findOrCreateUserByEmail(database.db, "expired@example.com"))!;
    const session = await createSession(database.db, user.id, origin);
    await database.db
      .updateTable("sessions")
      .set({ expires_at: sql`now() - interval '1 minute'` })
      .where("id", "=", session.id)
      .execute();
    expect(await getSessionUser(database.db, session.id)).toBeUndefined();

    const deleted = (await findOrCreateUserByEmail(database.db, "deleted@example.com"))!;
    const live = await createSession(database.db, deleted.id, origin);
    await database.db
      .updateTable("users")
      .set({ deleted_at: sql`now()` })
      .where("id", "=", deleted.id)
      .execute();
    expect(await getSessionUser(database.db, live.id)).toBeUndefined();
  });
});
