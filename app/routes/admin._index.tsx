import { firstIssueMessage } from "~/i18n/issues.server";
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { BarListChart } from "~/components/admin/bar-list-chart";
import { DailyBarChart } from "~/components/admin/daily-bar-chart";
import { DashboardPanel } from "~/components/admin/dashboard-panel";
import { StatsTable } from "~/components/admin/stats-table";
import { statusLabel } from "~/components/status-badge";
import { listBreakerStates } from "~/models/breaker-states.server";
import { readDeliveryStats } from "~/models/delivery-stats.server";
import { readOrdersByState } from "~/models/order-stats.server";
import { readQueueStats } from "~/models/queue-stats.server";
import { readDailyRevenue } from "~/models/revenue-stats.server";
import { readDailyUsage } from "~/models/usage-stats.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime } from "~/utils/format";
import { formatMoney } from "~/utils/pricing";
import { formatCount, formatDollars, formatRate, formatSeconds } from "~/utils/stats-format";
import { STATS_PERIODS, statsPeriod, statsPeriodSchema } from "~/utils/stats-period";

export const meta: MetaFunction = () => [{ title: "Dashboard · Admin · TesiGo" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const parsed = statsPeriodSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw Response.json({ error: await firstIssueMessage(request, parsed.error) }, { status: 400 });
  const period = statsPeriod(parsed.data.period);
  const db = getDb();
  const [revenue, usage, ordersByState, delivery, queues, breakers] = await Promise.all([
    readDailyRevenue(db, period),
    readDailyUsage(db, period),
    readOrdersByState(db, period),
    readDeliveryStats(db, period),
    readQueueStats(db),
    listBreakerStates(db),
  ]);
  return {
    days: period.days,
    dayKeys: period.dayKeys,
    revenue,
    usage,
    ordersByState: Object.entries(ordersByState).map(([status, count]) => ({ status, count })),
    delivery,
    queues,
    openBreakers: breakers
      .filter((breaker) => breaker.state !== "closed")
      .map((breaker) => ({ ...breaker, openedAt: breaker.openedAt?.toISOString() ?? null })),
  };
}

export default function AdminDashboard() {
  const { days, dayKeys, revenue, usage, ordersByState, delivery, queues, openBreakers } =
    useLoaderData<typeof loader>();
  const models = [...new Set(usage.map((row) => `${row.provider} · ${row.model}`))].sort();
  const usageSeries = (value: (row: (typeof usage)[number]) => number) =>
    models.map((label) => ({
      label,
      values: dayKeys.map((day) =>
        usage
          .filter((row) => row.day === day && `${row.provider} · ${row.model}` === label)
          .reduce((sum, row) => sum + value(row), 0),
      ),
    }));
  const noMoney = revenue.every((day) => !day.ordersPaid && !day.revenueCents && !day.refunds);
  const inPeriod = `in the last ${days} days`;
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">Dashboard</h1>
        <nav aria-label="Period" className="flex gap-1 rounded-md border border-slate-300 bg-white p-1 text-sm">
          {STATS_PERIODS.map((option) => (
            <Link
              key={option}
              to={`?period=${option}`}
              aria-current={option === days ? "page" : undefined}
              className={`rounded px-3 py-1 ${option === days ? "bg-brand-600 font-semibold text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {`${option} days`}
            </Link>
          ))}
        </nav>
      </div>
      <p className="text-sm text-slate-600">
        Days are UTC days; the period runs from {dayKeys[0]} to today ({dayKeys[dayKeys.length - 1]}).
      </p>

      <DashboardPanel
        id="delivery"
        title="Success rate and time to delivery"
        note={
          <>
            Of the orders paid {inPeriod}: how many were delivered (completed, or completed with warnings), and how long
            from payment to delivery. Orders still being written count as not delivered yet.
          </>
        }
        table={
          <StatsTable
            caption={`Orders paid ${inPeriod}`}
            columns={["Measure", "Value"]}
            rows={[
              ["Success rate (delivered / paid)", formatRate(delivery.successRate)],
              ["Paid", formatCount(delivery.paid)],
              ["Delivered", formatCount(delivery.delivered)],
              ["Still queued or being written", formatCount(delivery.inProgress)],
              ["Median time from payment to delivery", formatSeconds(delivery.medianSeconds)],
              ["95th percentile time from payment to delivery", formatSeconds(delivery.p95Seconds)],
            ].map(([header, value]) => ({ key: header!, header: header!, cells: [value!] }))}
          />
        }
      />

      <DashboardPanel
        id="revenue"
        layout="below"
        title="Revenue, orders and refunds per day"
        note="Revenue: payments received, before refunds, by the day the payment began. Orders: orders paid that day. Refunds: refunds carried out, by the day they were asked for."
        empty={noMoney ? `No payments, paid orders or refunds ${inPeriod}.` : null}
        chart={
          <>
            <DailyBarChart
              title="Revenue and refunds per day"
              days={dayKeys}
              mode="grouped"
              series={[
                { label: "Revenue", values: revenue.map((day) => day.revenueCents) },
                { label: "Refunded", values: revenue.map((day) => day.refundedCents) },
              ]}
              formatValue={(cents) => formatMoney(Math.round(cents))}
            />
            <DailyBarChart
              title="Orders paid per day"
              days={dayKeys}
              series={[{ label: "Orders paid", values: revenue.map((day) => day.ordersPaid) }]}
              formatValue={formatCount}
            />
          </>
        }
        table={
          <StatsTable
            caption={`Revenue, orders and refunds per day, ${inPeriod}`}
            columns={["Day", "Orders paid", "Revenue", "Refunds", "Refunded"]}
            rows={[...revenue].reverse().map((day) => ({
              key: day.day,
              header: day.day,
              cells: [
                formatCount(day.ordersPaid),
                formatMoney(day.revenueCents),
                formatCount(day.refunds),
                formatMoney(day.refundedCents),
              ],
            }))}
          />
        }
      />

      <DashboardPanel
        id="usage"
        layout="below"
        title="Tokens and LLM cost per day, by provider and model"
        note="Every writer call's tokens (prompt and answer) and its cost at the configured prices (MODEL_PRICES)."
        empty={usage.length ? null : `No writer calls ${inPeriod}.`}
        chart={
          <>
            <DailyBarChart
              title="Tokens per day by provider and model"
              days={dayKeys}
              series={usageSeries((row) => row.tokensIn + row.tokensOut)}
              formatValue={formatCount}
            />
            <DailyBarChart
              title="LLM cost per day by provider and model"
              days={dayKeys}
              series={usageSeries((row) => row.costMicrodollars)}
              formatValue={formatDollars}
            />
          </>
        }
        table={
          <StatsTable
            caption={`Tokens and cost per day, provider and model, ${inPeriod}`}
            columns={["Day", "Provider", "Model", "Tokens in", "Tokens out", "Cost"]}
            textCells={2}
            rows={[...usage].reverse().map((row) => ({
              key: `${row.day} ${row.provider} ${row.model}`,
              header: row.day,
              cells: [
                row.provider,
                row.model,
                formatCount(row.tokensIn),
                formatCount(row.tokensOut),
                formatDollars(row.costMicrodollars),
              ],
            }))}
          />
        }
      />

      <DashboardPanel
        id="states"
        title="Orders by state"
        note={`Orders created ${inPeriod} (drafts included), by their state now.`}
        empty={ordersByState.some((row) => row.count) ? null : `No orders created ${inPeriod}.`}
        chart={
          <BarListChart
            title="Orders by state"
            items={ordersByState.map((row) => ({ label: statusLabel(row.status), value: row.count }))}
            formatValue={formatCount}
          />
        }
        table={
          <StatsTable
            caption={`Orders created ${inPeriod}, by state`}
            columns={["State", "Orders"]}
            rows={ordersByState.map((row) => ({
              key: row.status,
              header: statusLabel(row.status),
              cells: [formatCount(row.count)],
            }))}
          />
        }
      />

      <DashboardPanel
        id="queues"
        title="Queues now"
        note="Jobs waiting in each queue (new and retries) and how long the oldest one a worker could take has waited. Dead-letter queues end in “.dead”."
        chart={
          <BarListChart
            title="Jobs waiting per queue"
            items={queues.map((queue) => ({ label: queue.queue, value: queue.depth }))}
            formatValue={formatCount}
          />
        }
        table={
          <StatsTable
            caption="Jobs waiting per queue, now"
            columns={["Queue", "Waiting", "Ready now", "Oldest waiting"]}
            rows={queues.map((queue) => ({
              key: queue.queue,
              header: queue.queue,
              cells: [formatCount(queue.depth), formatCount(queue.ready), formatSeconds(queue.oldestWaitingSeconds)],
            }))}
          />
        }
      />

      <DashboardPanel
        id="breakers"
        title="Open breakers"
        note="A provider whose breaker is open is skipped (the next in the fallback chain writes); half-open lets a trial call through."
        empty={openBreakers.length ? null : "No breaker is open: every provider is being called."}
        table={
          <StatsTable
            caption="Breakers not closed, now"
            columns={["Provider", "State", "Opened"]}
            textCells={2}
            rows={openBreakers.map((breaker) => ({
              key: breaker.provider,
              header: breaker.provider,
              cells: [
                breaker.state === "open" ? "Open" : "Half-open",
                breaker.openedAt ? formatDateTime(breaker.openedAt) : "—",
              ],
            }))}
          />
        }
      />
    </div>
  );
}
