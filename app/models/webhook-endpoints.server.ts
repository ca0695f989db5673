// A customer's webhook endpoints (issue 22, item 5), made on /account/webhooks: a URL, the events it hears and its
// signing secret, shown once. Every function is scoped by the owner; another customer's endpoint does not exist here.
import { sql } from "kysely";
import type { WebhookEventType } from "../../db/schema";
import { inTransaction, type DbOrTrx } from "../utils/db.server";
import { newWebhookSecret } from "../utils/webhook-signature.server";
import { lockAccountBelowLimit } from "./account-limits.server";
import { isUuid } from "./documents.server";

/** Endpoints an account may hold (enabled or not): a form clicked in a loop makes no table of millions. */
export const MAX_ENDPOINTS = 10;

/** Makes an endpoint; its secret is returned here only. Undefined when the account holds MAX_ENDPOINTS already. */
export async function createWebhookEndpoint(
  db: DbOrTrx,
  userId: string,
  input: { url: string; events: readonly WebhookEventType[] },
): Promise<{ id: string; secret: string } | undefined> {
  const secret = newWebhookSecret();
  return inTransaction(db, async (trx) => {
    const held = (t: typeof trx) =>
      t
        .selectFrom("webhook_endpoints")
        .select((eb) => eb.fn.countAll<string>().as("n"))
        .where("user_id", "=", userId)
        .executeTakeFirstOrThrow()
        .then((row) => Number(row.n));
    if (!(await lockAccountBelowLimit(trx, userId, MAX_ENDPOINTS, held))) return undefined;
    const created = await trx
      .insertInto("webhook_endpoints")
      .values({ user_id: userId, url: input.url, events: [...new Set(input.events)], secret })
      .returning("id")
      .executeTakeFirstOrThrow();
    return { id: created.id, secret };
  });
}

/** The account's endpoints, newest first, each with its last delivery; never the secret. */
export function listWebhookEndpoints(db: DbOrTrx, userId: string) {
  return db
    .selectFrom("webhook_endpoints as e")
    .leftJoinLateral(
      (eb) =>
        eb
          .selectFrom("webhook_deliveries as d")
          .innerJoin("webhook_events as v", "v.id", "d.event_id")
          .select(["v.type", "d.state", "d.status_code", "d.created_at"])
          .whereRef("d.endpoint_id", "=", "e.id")
          .orderBy("d.created_at", "desc")
          .limit(1)
          .as("last"),
      (join) => join.onTrue(),
    )
    .select(["e.id", "e.url", "e.events", "e.created_at", "e.disabled_at"])
    .select([
      "last.type as last_type",
      "last.state as last_state",
      "last.status_code as last_status_code",
      "last.created_at as last_at",
    ])
    .where("e.user_id", "=", userId)
    .orderBy("e.created_at", "desc")
    .execute();
}

/** One of the account's endpoints, without its secret; undefined for another's, an unknown or a malformed id. */
export async function findWebhookEndpoint(db: DbOrTrx, userId: string, endpointId: string) {
  if (!isUuid(endpointId)) return undefined;
  return db
    .selectFrom("webhook_endpoints")
    .select(["id", "url", "events", "created_at", "disabled_at"])
    .where("id", "=", endpointId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
}

/** Disables (no new deliveries; pending ones stop) or enables an endpoint; false when it is not the account's. */
export async function setWebhookEndpointEnabled(
  db: DbOrTrx,
  userId: string,
  endpointId: string,
  enabled: boolean,
): Promise<boolean> {
  if (!isUuid(endpointId)) return false;
  const result = await db
    .updateTable("webhook_endpoints")
    .set({ disabled_at: enabled ? null : sql`now()` })
    .where("id", "=", endpointId)
    .where("user_id", "=", userId)
    .where("disabled_at", enabled ? "is not" : "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Deletes an endpoint with its delivery log; false when it is not the account's. */
export async function deleteWebhookEndpoint(db: DbOrTrx, userId: string, endpointId: string): Promise<boolean> {
  if (!isUuid(endpointId)) return false;
  const result = await db
    .deleteFrom("webhook_endpoints")
    .where("id", "=", endpointId)
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return Number(result.numDeletedRows) === 1;
}
