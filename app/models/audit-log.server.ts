// The audit log: who did what, to what, when, from where and why. Append-only (a trigger refuses UPDATE and DELETE);
// admins browse it at /admin/audit.
import type { DbOrTrx } from "../utils/db.server";

export type AuditEntry = {
  /** Who acted (an admin, or the customer for their own account); null for the system. */
  actorUserId: string | null;
  /** What, as `noun.verb`: `refund.issued`, `user.disabled`, `job.retried`… */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  /** Why, in the actor's words (required of admins by the forms that move money or delete data). */
  reason?: string | null;
  details?: Record<string, unknown>;
  /** From where. */
  ip?: string | null;
  userAgent?: string | null;
};

/** Records an entry in the caller's transaction, so it exists exactly when what it describes does. */
export async function recordAudit(db: DbOrTrx, entry: AuditEntry): Promise<void> {
  await db
    .insertInto("audit_log")
    .values({
      actor_user_id: entry.actorUserId,
      action: entry.action,
      target_type: entry.targetType ?? null,
      target_id: entry.targetId ?? null,
      reason: entry.reason ?? null,
      details: JSON.stringify(entry.details ?? {}),
      ip: entry.ip ?? null,
      user_agent: entry.userAgent?.slice(0, 500) ?? null,
    })
    .execute();
}

export type AuditFilter = {
  /** Part of the action, e.g. `refund` or `user.disabled`. */
  action?: string;
  /** The actor's email, or part of it. */
  actor?: string;
  targetId?: string;
  from?: Date;
  to?: Date;
};

export const AUDIT_PAGE_SIZE = 50;

/** A page of the log, newest first, with the actor's email; `before` is the id the previous page ended with. */
export async function listAuditLog(db: DbOrTrx, filter: AuditFilter, before?: string) {
  let query = db
    .selectFrom("audit_log")
    .leftJoin("users", "users.id", "audit_log.actor_user_id")
    .select([
      "audit_log.id",
      "audit_log.action",
      "audit_log.target_type",
      "audit_log.target_id",
      "audit_log.reason",
      "audit_log.details",
      "audit_log.ip",
      "audit_log.created_at",
      "users.email as actor_email",
    ])
    .orderBy("audit_log.id", "desc")
    .limit(AUDIT_PAGE_SIZE + 1);
  if (filter.action) query = query.where("audit_log.action", "ilike", `%${escapeLike(filter.action)}%`);
  if (filter.actor) query = query.where("users.email", "ilike", `%${escapeLike(filter.actor)}%`);
  if (filter.targetId) query = query.where("audit_log.target_id", "=", filter.targetId);
  if (filter.from) query = query.where("audit_log.created_at", ">=", filter.from);
  if (filter.to) query = query.where("audit_log.created_at", "<", filter.to);
  if (before) query = query.where("audit_log.id", "<", before);
  const rows = await query.execute();
  return { rows: rows.slice(0, AUDIT_PAGE_SIZE), more: rows.length > AUDIT_PAGE_SIZE };
}

/** `%` and `_` typed in a search box are searched for, not used as wildcards. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
