// What the chaos run proves, read from the database (and the Stripe fake's ledger) once every order has settled:
// none lost, nothing done twice, and the breakers opened under the faults and closed again.
import { sql } from "kysely";
import type { Db } from "../../app/utils/db.server";
import type { FakeStripe } from "../../tests/fakes/stripe";

const DELIVERED = ["completed", "completed_with_warnings"] as const;
const UNDELIVERED_ENDS = ["failed", "failed_quality", "refunded"] as const;

/**
 * Every opening and closing of a breaker, as it happens: a trigger on the throwaway database of the run (not a
 * migration — production has no need of it), so a breaker open for a moment between two looks is still counted.
 */
export async function recordBreakerTransitions(db: Db): Promise<void> {
  await sql`create table chaos_breaker_transitions (provider text, state text, updated boolean, at timestamptz default now())`.execute(
    db,
  );
  await sql`
    create function chaos_note_breaker() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' or new.state is distinct from old.state then
        insert into chaos_breaker_transitions (provider, state, updated) values (new.provider, new.state, tg_op = 'UPDATE');
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger chaos_breakers after insert or update on provider_breakers
    for each row execute function chaos_note_breaker()`.execute(db);
}

export type OrderOutcome = { delivered: number; refunded: number; lost: string[]; whyRefunded: string[] };

/** Delivered (text and files), refunded in full, or lost: still unfinished, or ended without its money back. */
export async function orderOutcomes(db: Db, orderIds: string[]): Promise<OrderOutcome> {
  const rows = await db
    .selectFrom("documents")
    .leftJoin("payments", (join) =>
      join.onRef("payments.document_id", "=", "documents.id").on("payments.purpose", "=", "order"),
    )
    .select([
      "documents.id",
      "documents.status",
      "documents.pdf_key",
      "documents.docx_key",
      "documents.failure_reason",
      sql<number>`coalesce(sum(payments.amount_cents) filter (where payments.status <> 'pending' and payments.status <> 'expired'), 0)::int`.as(
        "paid",
      ),
      sql<number>`coalesce(sum(payments.refunded_cents), 0)::int`.as("refunded"),
    ])
    .where("documents.id", "in", orderIds)
    .groupBy("documents.id")
    .execute();
  const outcome: OrderOutcome = { delivered: 0, refunded: 0, lost: [], whyRefunded: [] };
  for (const id of orderIds) {
    const row = rows.find((r) => r.id === id);
    if (row && (DELIVERED as readonly string[]).includes(row.status) && row.docx_key && row.pdf_key)
      outcome.delivered++;
    else if (
      row &&
      (UNDELIVERED_ENDS as readonly string[]).includes(row.status) &&
      row.paid > 0 &&
      row.refunded === row.paid
    ) {
      outcome.refunded++;
      outcome.whyRefunded.push(`${id}: ${row.failure_reason ?? row.status} ${await failedSections(db, id)}`);
    } else
      outcome.lost.push(`${id} (${row ? `${row.status}, paid ${row.paid}, refunded ${row.refunded}` : "missing"})`);
  }
  return outcome;
}

/** For an order that was refunded: its failed sections, their attempts and what the last one was told. */
export async function failedSections(db: Db, documentId: string): Promise<string> {
  const rows = await sql<{ index: number; attempts: number; feedback: unknown }>`
    select s.index, count(a.id)::int as attempts,
           (array_agg(a.feedback order by a.attempt desc))[1] as feedback
    from sections s left join section_attempts a on a.section_id = s.id
    where s.document_id = ${documentId} and s.status = 'failed'
    group by s.index order by s.index`.execute(db);
  const dead = await db
    .selectFrom("dead_letters")
    .select(["queue", "error"])
    .where("document_id", "=", documentId)
    .execute();
  return [
    ...rows.rows.map((r) => `section ${r.index + 1}: ${r.attempts} attempts, ${JSON.stringify(r.feedback)}`),
    ...dead.map((d) => `dead letter in ${d.queue}: ${d.error?.slice(0, 300)}`),
  ].join("; ");
}

/** Whether every order has come to an end (delivered with its files, or refunded in full): the run may stop. */
export async function allSettled(db: Db, orderIds: string[]): Promise<boolean> {
  return (await orderOutcomes(db, orderIds)).lost.length === 0;
}

/** Sections with a second passed attempt, or any attempt after the one that passed: written again after passing. */
export async function sectionsWrittenTwice(db: Db): Promise<number> {
  const row = await sql<{ n: number }>`
    select count(*)::int as n from (
      select section_id from section_attempts group by section_id
      having count(*) filter (where passed) > 1
          or max(attempt) > coalesce(min(attempt) filter (where passed), max(attempt))
    ) twice`.execute(db);
  return row.rows[0]!.n;
}

/**
 * Sections whose token charges outnumber their stored attempts: a call charged twice (a charge is written in the
 * transaction that stores its attempt, so a killed worker's lost call is neither charged nor stored).
 */
export async function sectionsChargedTwice(db: Db): Promise<number> {
  const row = await sql<{ n: number }>`
    select count(*)::int as n from sections s
    where (select count(*) from token_usage u where u.section_id = s.id and u.purpose = 'section')
        > (select count(*) from section_attempts a where a.section_id = s.id)`.execute(db);
  return row.rows[0]!.n;
}

/**
 * Payments refunded more than once: two refunds of ours for one reason, more refunds at Stripe than in our books,
 * or more money back at Stripe than was paid.
 */
export async function paymentsRefundedTwice(db: Db, stripe: FakeStripe): Promise<number> {
  const payments = await db
    .selectFrom("payments")
    .select(["id", "amount_cents", "stripe_payment_intent_id"])
    .where("stripe_payment_intent_id", "is not", null)
    .execute();
  const ours = await db
    .selectFrom("refunds")
    .select(["payment_id", "reason", sql<number>`count(*)::int`.as("n")])
    .groupBy(["payment_id", "reason"])
    .execute();
  let twice = 0;
  for (const payment of payments) {
    const atStripe = stripe.refunds.filter((r) => r.payment_intent === payment.stripe_payment_intent_id);
    const booked = ours.filter((r) => r.payment_id === payment.id);
    const repeatedReason = booked.some((r) => r.n > 1);
    const bookedCount = booked.reduce((sum, r) => sum + r.n, 0);
    const back = atStripe.reduce((sum, r) => sum + Number(r.amount), 0);
    if (repeatedReason || atStripe.length > bookedCount || back > payment.amount_cents) twice++;
  }
  return twice;
}

export type BreakerFigures = { openings: number; closings: number; openAtEnd: string[] };

/** How often a breaker opened and closed again during the run, and which are not closed at its end. */
export async function breakerFigures(db: Db): Promise<BreakerFigures> {
  const counts = await sql<{ openings: number; closings: number }>`
    select count(*) filter (where state = 'open')::int as openings,
           count(*) filter (where state = 'closed' and updated)::int as closings
    from chaos_breaker_transitions`.execute(db);
  const open = await db.selectFrom("provider_breakers").select("provider").where("state", "<>", "closed").execute();
  return { ...counts.rows[0]!, openAtEnd: open.map((b) => b.provider) };
}
