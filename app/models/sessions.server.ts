import { sql } from "kysely";
import type { DbOrTrx } from "../utils/db.server";

export const SESSION_DAYS = 30;

/** Revoked sessions (`{ sessionIds?, userId? }`): every web process disconnects their sockets (app/utils/socket.server.ts). */
export const SESSION_EVENTS_CHANNEL = "tesigo_session_events";

export async function createSession(
  db: DbOrTrx,
  userId: string,
  origin: { ip: string | null; userAgent: string | null },
) {
  return db
    .insertInto("sessions")
    .values({
      user_id: userId,
      expires_at: sql`now() + make_interval(days => ${SESSION_DAYS})`,
      ip: origin.ip,
      user_agent: origin.userAgent?.slice(0, 500) ?? null,
    })
    .returning(["id", "expires_at"])
    .executeTakeFirstOrThrow();
}

/** The query for the signed-in user of a live session (not revoked, not expired, user not deleted or disabled). */
export function sessionUserQuery(db: DbOrTrx, sessionId: string) {
  return (
    db
      .selectFrom("sessions")
      .innerJoin("users", "users.id", "sessions.user_id")
      .select(["sessions.id as sessionId", "users.id", "users.email", "users.name", "users.role", "users.locale"])
      // The latest essential-consent choice, in the same round trip: every signed-in page asks for it.
      .select((eb) =>
        eb
          .selectFrom("consents")
          .select("consents.granted")
          .whereRef("consents.user_id", "=", "users.id")
          .where("consents.kind", "=", "essential")
          .orderBy("consents.created_at", "desc")
          .limit(1)
          .as("essentialConsent"),
      )
      .where("sessions.id", "=", sessionId)
      .where("sessions.revoked_at", "is", null)
      .where("sessions.expires_at", ">", sql<Date>`now()`)
      .where("users.deleted_at", "is", null)
      .where("users.disabled_at", "is", null)
  );
}

export type SessionUser = NonNullable<Awaited<ReturnType<typeof getSessionUser>>>;

/** The signed-in user of a live session, and whether they consented; undefined when the session does not hold. */
export function getSessionUser(db: DbOrTrx, sessionId: string) {
  return sessionUserQuery(db, sessionId).executeTakeFirst();
}

export async function revokeSession(db: DbOrTrx, sessionId: string) {
  await db
    .updateTable("sessions")
    .set({ revoked_at: sql`now()` })
    .where("id", "=", sessionId)
    .where("revoked_at", "is", null)
    .execute();
  // Every web process disconnects that session's sockets (on commit, when inside a transaction).
  await notifySessionsRevoked(db, { sessionIds: [sessionId] });
}

/** Sign out everywhere: every live session of the user ends; returns how many. */
export async function revokeAllSessions(db: DbOrTrx, userId: string): Promise<number> {
  const result = await db
    .updateTable("sessions")
    .set({ revoked_at: sql`now()` })
    .where("user_id", "=", userId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  await notifySessionsRevoked(db, { userId });
  return Number(result.numUpdatedRows);
}

export type RevokedSessions = { sessionIds?: string[]; userId?: string };

// NOTIFY payloads must stay under 8000 bytes: about 100 session ids each.
const SESSION_IDS_PER_NOTIFY = 100;

/**
 * Tells every web process that these sessions (or every session of this user) ended, so they disconnect their
 * sockets. Sent on commit: call it in the transaction that revokes the sessions.
 */
export async function notifySessionsRevoked(db: DbOrTrx, revoked: RevokedSessions): Promise<void> {
  const messages: RevokedSessions[] = [];
  if (revoked.userId) messages.push({ userId: revoked.userId });
  const ids = revoked.sessionIds ?? [];
  for (let i = 0; i < ids.length; i += SESSION_IDS_PER_NOTIFY)
    messages.push({ sessionIds: ids.slice(i, i + SESSION_IDS_PER_NOTIFY) });
  for (const message of messages) {
    await sql`select pg_notify(${SESSION_EVENTS_CHANNEL}, ${JSON.stringify(message)})`.execute(db);
  }
}
