import { sql, type Kysely } from "kysely";

// Issue 22, item 6: a customer's own LLM key, kept only encrypted (AES-256-GCM: IV, ciphertext and tag, and the id of
// the encryption key that sealed it, so a rotation can find what to re-encrypt); one key per account. An order
// remembers that it was priced with the customer's key, and a call made with it is marked as paid by the customer.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("customer_llm_keys")
    .addColumn("id", "uuid", (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
    .addColumn("user_id", "uuid", (c) => c.notNull().unique().references("users.id").onDelete("cascade"))
    .addColumn("provider", "text", (c) => c.notNull().check(sql`provider in ('openai', 'anthropic', 'compat')`))
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("base_url", "text")
    .addColumn("encryption_key_id", "text", (c) => c.notNull())
    .addColumn("key_iv", "bytea", (c) => c.notNull())
    .addColumn("key_ciphertext", "bytea", (c) => c.notNull())
    .addColumn("key_tag", "bytea", (c) => c.notNull())
    .addColumn("last4", "text", (c) => c.notNull())
    .addColumn("fallback_allowed", "boolean", (c) => c.notNull().defaultTo(false))
    .addColumn("refused_at", "timestamptz")
    .addColumn("created_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn("updated_at", "timestamptz", (c) => c.notNull().defaultTo(sql`now()`))
    .addCheckConstraint("customer_llm_keys_compat_base_url", sql`(provider = 'compat') = (base_url is not null)`)
    .execute();
  await db.schema
    .alterTable("documents")
    .addColumn("priced_with_own_key", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .alterTable("token_usage")
    .addColumn("paid_by_customer", "boolean", (c) => c.notNull().defaultTo(false))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("token_usage").dropColumn("paid_by_customer").execute();
  await db.schema.alterTable("documents").dropColumn("priced_with_own_key").execute();
  await db.schema.dropTable("customer_llm_keys").execute();
}
