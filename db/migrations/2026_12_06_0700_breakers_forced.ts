import { sql, type Kysely } from "kysely";

// Issue 18, item 6: an admin may pin a provider's breaker open (skipped until released) or closed (called whatever
// fails), with who, when and why kept on the row the workers read; and each breaker remembers its last error.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("provider_breakers")
    .addColumn("forced_state", "text", (c) => c.check(sql`forced_state in ('open', 'closed')`))
    .addColumn("forced_at", "timestamptz")
    .addColumn("forced_by", "uuid", (c) => c.references("users.id").onDelete("set null"))
    .addColumn("forced_reason", "text")
    .addColumn("last_error", "text")
    .addColumn("last_failure_at", "timestamptz")
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable("provider_breakers")
    .dropColumn("forced_state")
    .dropColumn("forced_at")
    .dropColumn("forced_by")
    .dropColumn("forced_reason")
    .dropColumn("last_error")
    .dropColumn("last_failure_at")
    .execute();
}
