// The series the database knows, read at scrape time: orders by state, refunds, queue depth and lag, breakers, tokens
// and cost. Only web (and all-in-one) processes export them, so each value comes from one kind of process; with several
// web processes a query takes max by their other labels (docs/monitoring/README.md).
import { Counter, Gauge, Registry } from "prom-client";
import { listBreakerStates } from "../models/breaker-states.server";
import { readOrderStats, readRefundStats } from "../models/order-stats.server";
import { readQueueStats, readRecentDeadLetters } from "../models/queue-stats.server";
import { UsageTotals } from "../models/usage-totals.server";
import type { DbOrTrx } from "./db.server";

const BREAKER_STATES = ["closed", "open", "half_open"] as const;

export type DatabaseMetrics = { registry: Registry; collect: (db: DbOrTrx) => Promise<void> };

export function createDatabaseMetrics(): DatabaseMetrics {
  const registry = new Registry();
  const registers = [registry];
  const orders = new Gauge({
    name: "tesigo_orders",
    help: "Orders (documents) by their state now",
    labelNames: ["state"] as const,
    registers,
  });
  const lastDelivery = new Gauge({
    name: "tesigo_orders_last_delivery_timestamp_seconds",
    help: "When the last order was delivered (Unix time; 0: never)",
    registers,
  });
  const oldestWaiting = new Gauge({
    name: "tesigo_orders_oldest_waiting_seconds",
    help: "How long the paid order that has waited longest for delivery has waited (0: none waits)",
    registers,
  });
  const refunds = new Gauge({
    name: "tesigo_refunds",
    help: "Refunds by state (pending, succeeded, failed: waiting for an admin)",
    labelNames: ["status"] as const,
    registers,
  });
  const refundedCents = new Gauge({
    name: "tesigo_refunds_amount_cents",
    help: "Money in refunds by state, in cents",
    labelNames: ["status"] as const,
    registers,
  });
  const queueDepth = new Gauge({
    name: "tesigo_queue_depth",
    help: "Jobs waiting in each pg-boss queue (new and retries), dead-letter queues included",
    labelNames: ["queue"] as const,
    registers,
  });
  const queueOldest = new Gauge({
    name: "tesigo_queue_oldest_waiting_seconds",
    help: "How long the oldest job a worker could take now has waited, per queue (0: none waits)",
    labelNames: ["queue"] as const,
    registers,
  });
  const deadLetters = new Gauge({
    name: "tesigo_dead_letters_last_hour",
    help: "Jobs that failed for good in the last hour (arrived in a dead-letter queue), by dead-letter queue",
    labelNames: ["queue"] as const,
    registers,
  });
  const breakers = new Gauge({
    name: "tesigo_breaker_state",
    help: "Each provider's circuit breaker: 1 for its current state (closed, open, half_open), 0 for the others",
    labelNames: ["provider", "state"] as const,
    registers,
  });
  const tokens = new Counter({
    name: "tesigo_llm_tokens_total",
    help: "Tokens used by writer calls, by provider, model and direction (in: prompt, out: answer)",
    labelNames: ["provider", "model", "direction"] as const,
    registers,
  });
  const cost = new Counter({
    name: "tesigo_llm_cost_dollars_total",
    help: "What writer calls cost, in US dollars, by provider and model (MODEL_PRICES and the built-in prices)",
    labelNames: ["provider", "model"] as const,
    registers,
  });
  const usageTotals = new UsageTotals();

  async function collect(db: DbOrTrx): Promise<void> {
    const [orderStats, refundStats, queues, deadLetterRows, breakerRows, usage] = await Promise.all([
      readOrderStats(db),
      readRefundStats(db),
      readQueueStats(db),
      readRecentDeadLetters(db, 60),
      listBreakerStates(db),
      usageTotals.read(db),
    ]);
    const now = Date.now();
    // Set in one synchronous run: a scrape reading meanwhile sees either the last values or these.
    for (const metric of [orders, refunds, refundedCents, queueDepth, queueOldest, deadLetters, breakers, tokens, cost])
      metric.reset();
    for (const [state, count] of Object.entries(orderStats.byStatus)) orders.set({ state }, count);
    lastDelivery.set(orderStats.lastDeliveryAt ? orderStats.lastDeliveryAt.getTime() / 1000 : 0);
    oldestWaiting.set(orderStats.oldestWaitingPaidAt ? (now - orderStats.oldestWaitingPaidAt.getTime()) / 1000 : 0);
    for (const refund of refundStats) {
      refunds.set({ status: refund.status }, refund.count);
      refundedCents.set({ status: refund.status }, refund.cents);
    }
    for (const queue of queues) {
      queueDepth.set({ queue: queue.queue }, queue.depth);
      queueOldest.set({ queue: queue.queue }, queue.oldestWaitingSeconds ?? 0);
    }
    for (const row of deadLetterRows) deadLetters.set({ queue: row.queue }, row.count);
    for (const breaker of breakerRows)
      for (const state of BREAKER_STATES)
        breakers.set({ provider: breaker.provider, state }, +(breaker.state === state));
    for (const total of usage) {
      const labels = { provider: total.provider, model: total.model };
      tokens.inc({ ...labels, direction: "in" }, total.tokensIn);
      tokens.inc({ ...labels, direction: "out" }, total.tokensOut);
      cost.inc(labels, total.costMicrodollars / 1e6);
    }
  }

  return { registry, collect };
}
