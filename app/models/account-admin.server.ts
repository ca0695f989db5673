// What an admin does to a customer's account: disable it (every session ends, open browsers and sockets are cut, sign-in
// is refused), enable it again, mark it premium (its orders go first in the queue) or not. Each act is one guarded
// UPDATE with its audit entry in the same transaction; an act that changes nothing records nothing.
import { sql } from "kysely";
import { reprioritizeWaitingJobs } from "../jobs/priorities.server";
import type { Db, DbOrTrx } from "../utils/db.server";
import { recordAudit, type AuditEntry } from "./audit-log.server";
import { revokeAllSessions } from "./sessions.server";

/** `unchanged`: it already was so. `own_account`: an admin may not lock themselves out. `deleted`: nothing left to act on. */
export type AccountOutcome = "done" | "unchanged" | "not_found" | "own_account" | "deleted";

/** The audit entry of the act, minus what the act decides itself. */
type Audit = Omit<AuditEntry, "action" | "targetType" | "targetId" | "details">;

async function accountOf(trx: DbOrTrx, userId: string) {
  return trx
    .selectFrom("users")
    .select(["id", "disabled_at", "deleted_at", "premium"])
    .where("id", "=", userId)
    .forUpdate()
    .executeTakeFirst();
}

/** Disables the account and ends every session it has (each web process disconnects their sockets on commit). */
export async function disableAccount(
  db: Db,
  userId: string,
  audit: Audit,
): Promise<{ outcome: AccountOutcome; sessionsEnded: number }> {
  if (audit.actorUserId === userId) return { outcome: "own_account", sessionsEnded: 0 };
  return db.transaction().execute(async (trx) => {
    const account = await accountOf(trx, userId);
    if (!account) return { outcome: "not_found" as const, sessionsEnded: 0 };
    if (account.deleted_at) return { outcome: "deleted" as const, sessionsEnded: 0 };
    if (account.disabled_at) return { outcome: "unchanged" as const, sessionsEnded: 0 };
    await trx
      .updateTable("users")
      .set({ disabled_at: sql`now()`, updated_at: sql`now()` })
      .where("id", "=", userId)
      .where("disabled_at", "is", null)
      .execute();
    const sessionsEnded = await revokeAllSessions(trx, userId);
    await recordAudit(trx, {
      ...audit,
      action: "user.disabled",
      targetType: "user",
      targetId: userId,
      details: { sessionsEnded },
    });
    return { outcome: "done" as const, sessionsEnded };
  });
}

/** Lets a disabled account sign in again (its old sessions stay ended: the customer signs in afresh). */
export async function enableAccount(db: Db, userId: string, audit: Audit): Promise<AccountOutcome> {
  return db.transaction().execute(async (trx) => {
    const account = await accountOf(trx, userId);
    if (!account) return "not_found";
    if (account.deleted_at) return "deleted";
    if (!account.disabled_at) return "unchanged";
    await trx
      .updateTable("users")
      .set({ disabled_at: null, updated_at: sql`now()` })
      .where("id", "=", userId)
      .where("disabled_at", "is not", null)
      .execute();
    await recordAudit(trx, {
      ...audit,
      action: "user.enabled",
      targetType: "user",
      targetId: userId,
      details: { disabledSince: account.disabled_at.toISOString() },
    });
    return "done";
  });
}

/**
 * Marks the account premium (or not): its orders paid from now on are planned and written first, and the jobs its
 * orders already have waiting move up (or back) in the queue in the same transaction.
 */
export async function setPremium(
  db: Db,
  userId: string,
  premium: boolean,
  audit: Audit,
): Promise<{ outcome: AccountOutcome; jobsReprioritized: number }> {
  return db.transaction().execute(async (trx) => {
    const account = await accountOf(trx, userId);
    if (!account) return { outcome: "not_found" as const, jobsReprioritized: 0 };
    if (account.deleted_at) return { outcome: "deleted" as const, jobsReprioritized: 0 };
    if (account.premium === premium) return { outcome: "unchanged" as const, jobsReprioritized: 0 };
    await trx
      .updateTable("users")
      .set({ premium, updated_at: sql`now()` })
      .where("id", "=", userId)
      .where("premium", "=", !premium)
      .execute();
    const jobsReprioritized = await reprioritizeWaitingJobs(trx, userId, premium);
    await recordAudit(trx, {
      ...audit,
      action: premium ? "user.premium_granted" : "user.premium_revoked",
      targetType: "user",
      targetId: userId,
      details: { jobsReprioritized },
    });
    return { outcome: "done" as const, jobsReprioritized };
  });
}
