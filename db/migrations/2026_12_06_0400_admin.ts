import { sql, type Kysely } from "kysely";

// Issue 18: admins act on orders and money, and every such act is recorded where nobody can edit it. The audit log is
// append-only (a trigger refuses UPDATE and DELETE; only a foreign key may clear the actor of a removed user); each row
// says why. Accounts can be disabled.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("audit_log").addColumn("reason", "text").addColumn("user_agent", "text").execute();
  await db.schema.createIndex("audit_log_action_idx").on("audit_log").columns(["action", "created_at"]).execute();
  await db.schema.createIndex("audit_log_actor_idx").on("audit_log").columns(["actor_user_id", "created_at"]).execute();
  await sql`
    create function audit_log_append_only() returns trigger language plpgsql as $$
    begin
      if tg_op = 'UPDATE' and new.actor_user_id is null and old.actor_user_id is not null
        and (new.id, new.action, new.target_type, new.target_id, new.details, new.ip, new.created_at, new.reason, new.user_agent)
          is not distinct from (old.id, old.action, old.target_type, old.target_id, old.details, old.ip, old.created_at, old.reason, old.user_agent)
      then
        return new;
      end if;
      raise exception 'the audit log is append-only: % refused', tg_op using errcode = 'insufficient_privilege';
    end
    $$`.execute(db);
  await sql`
    create trigger audit_log_append_only before update or delete on audit_log
    for each row execute function audit_log_append_only()`.execute(db);
  await db.schema.alterTable("users").addColumn("disabled_at", "timestamptz").execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("disabled_at").execute();
  await sql`drop trigger audit_log_append_only on audit_log`.execute(db);
  await sql`drop function audit_log_append_only()`.execute(db);
  await db.schema.dropIndex("audit_log_actor_idx").execute();
  await db.schema.dropIndex("audit_log_action_idx").execute();
  await db.schema.alterTable("audit_log").dropColumn("reason").dropColumn("user_agent").execute();
}
