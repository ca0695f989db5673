import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { BarListChart } from "~/components/admin/bar-list-chart";
import { DailyBarChart } from "~/components/admin/daily-bar-chart";
import { DashboardPanel } from "~/components/admin/dashboard-panel";
import { StatsTable } from "~/components/admin/stats-table";
import { statusText } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { firstIssueMessage } from "~/i18n/issues.server";
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

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

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
  const t = await translatorFor(await getLocale(request));
  return {
    title: t("admin:dashboard.title"),
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
  const { t } = useTranslation(["admin", "catalog"]);
  const locale = useLocale();
  const count = (value: number) => formatCount(value, locale);
  const dollars = (value: number) => formatDollars(value, locale);
  const seconds = (value: number | null) => formatSeconds(value, locale);
  const noMoney = revenue.every((day) => !day.ordersPaid && !day.revenueCents && !day.refunds);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <h1 className="text-2xl font-bold">{t("dashboard.heading")}</h1>
        <nav
          aria-label={t("dashboard.period")}
          className="flex gap-1 rounded-md border border-slate-300 bg-white p-1 text-sm"
        >
          {STATS_PERIODS.map((option) => (
            <Link
              key={option}
              to={`?period=${option}`}
              aria-current={option === days ? "page" : undefined}
              className={`rounded px-3 py-1 ${option === days ? "bg-brand-600 font-semibold text-white" : "text-slate-700 hover:bg-slate-100"}`}
            >
              {t("dashboard.days", { days: option })}
            </Link>
          ))}
        </nav>
      </div>
      <p className="text-sm text-slate-600">
        {t("dashboard.daysNote", { first: dayKeys[0], last: dayKeys[dayKeys.length - 1] })}
      </p>

      <DashboardPanel
        id="delivery"
        title={t("dashboard.delivery.title")}
        note={t("dashboard.delivery.note", { days })}
        table={
          <StatsTable
            caption={t("dashboard.delivery.caption", { days })}
            columns={[t("dashboard.delivery.measure"), t("dashboard.delivery.value")]}
            rows={[
              [t("dashboard.delivery.successRate"), formatRate(delivery.successRate, locale)],
              [t("dashboard.delivery.paid"), count(delivery.paid)],
              [t("dashboard.delivery.delivered"), count(delivery.delivered)],
              [t("dashboard.delivery.inProgress"), count(delivery.inProgress)],
              [t("dashboard.delivery.median"), seconds(delivery.medianSeconds)],
              [t("dashboard.delivery.p95"), seconds(delivery.p95Seconds)],
            ].map(([header, value]) => ({ key: header!, header: header!, cells: [value!] }))}
          />
        }
      />

      <DashboardPanel
        id="revenue"
        layout="below"
        title={t("dashboard.revenue.title")}
        note={t("dashboard.revenue.note")}
        empty={noMoney ? t("dashboard.revenue.empty", { days }) : null}
        chart={
          <>
            <DailyBarChart
              title={t("dashboard.revenue.moneyChart")}
              days={dayKeys}
              mode="grouped"
              series={[
                { label: t("dashboard.revenue.revenue"), values: revenue.map((day) => day.revenueCents) },
                { label: t("dashboard.revenue.refunded"), values: revenue.map((day) => day.refundedCents) },
              ]}
              formatValue={(cents) => formatMoney(Math.round(cents), undefined, locale)}
            />
            <DailyBarChart
              title={t("dashboard.revenue.ordersChart")}
              days={dayKeys}
              series={[{ label: t("dashboard.revenue.ordersPaid"), values: revenue.map((day) => day.ordersPaid) }]}
              formatValue={count}
            />
          </>
        }
        table={
          <StatsTable
            caption={t("dashboard.revenue.caption", { days })}
            columns={[
              t("dashboard.revenue.day"),
              t("dashboard.revenue.ordersPaid"),
              t("dashboard.revenue.revenue"),
              t("dashboard.revenue.refunds"),
              t("dashboard.revenue.refunded"),
            ]}
            rows={[...revenue].reverse().map((day) => ({
              key: day.day,
              header: day.day,
              cells: [
                count(day.ordersPaid),
                formatMoney(day.revenueCents, undefined, locale),
                count(day.refunds),
                formatMoney(day.refundedCents, undefined, locale),
              ],
            }))}
          />
        }
      />

      <DashboardPanel
        id="usage"
        layout="below"
        title={t("dashboard.usage.title")}
        note={t("dashboard.usage.note")}
        empty={usage.length ? null : t("dashboard.usage.empty", { days })}
        chart={
          <>
            <DailyBarChart
              title={t("dashboard.usage.tokensChart")}
              days={dayKeys}
              series={usageSeries((row) => row.tokensIn + row.tokensOut)}
              formatValue={count}
            />
            <DailyBarChart
              title={t("dashboard.usage.costChart")}
              days={dayKeys}
              series={usageSeries((row) => row.costMicrodollars)}
              formatValue={dollars}
            />
          </>
        }
        table={
          <StatsTable
            caption={t("dashboard.usage.caption", { days })}
            columns={[
              t("dashboard.revenue.day"),
              t("shared.provider"),
              t("dashboard.usage.model"),
              t("dashboard.usage.tokensIn"),
              t("dashboard.usage.tokensOut"),
              t("dashboard.usage.cost"),
            ]}
            textCells={2}
            rows={[...usage].reverse().map((row) => ({
              key: `${row.day} ${row.provider} ${row.model}`,
              header: row.day,
              cells: [
                row.provider,
                row.model,
                count(row.tokensIn),
                count(row.tokensOut),
                dollars(row.costMicrodollars),
              ],
            }))}
          />
        }
      />

      <DashboardPanel
        id="states"
        title={t("dashboard.states.title")}
        note={t("dashboard.states.note", { days })}
        empty={ordersByState.some((row) => row.count) ? null : t("dashboard.states.empty", { days })}
        chart={
          <BarListChart
            title={t("dashboard.states.title")}
            items={ordersByState.map((row) => ({ label: statusText(t, row.status), value: row.count }))}
            formatValue={count}
          />
        }
        table={
          <StatsTable
            caption={t("dashboard.states.caption", { days })}
            columns={[t("shared.state"), t("shared.orders")]}
            rows={ordersByState.map((row) => ({
              key: row.status,
              header: statusText(t, row.status),
              cells: [count(row.count)],
            }))}
          />
        }
      />

      <DashboardPanel
        id="queues"
        title={t("dashboard.queues.title")}
        note={t("dashboard.queues.note")}
        chart={
          <BarListChart
            title={t("dashboard.queues.chart")}
            items={queues.map((queue) => ({ label: queue.queue, value: queue.depth }))}
            formatValue={count}
          />
        }
        table={
          <StatsTable
            caption={t("dashboard.queues.caption")}
            columns={[
              t("shared.queue"),
              t("dashboard.queues.waiting"),
              t("dashboard.queues.ready"),
              t("dashboard.queues.oldest"),
            ]}
            rows={queues.map((queue) => ({
              key: queue.queue,
              header: queue.queue,
              cells: [count(queue.depth), count(queue.ready), seconds(queue.oldestWaitingSeconds)],
            }))}
          />
        }
      />

      <DashboardPanel
        id="breakers"
        title={t("dashboard.breakers.title")}
        note={t("dashboard.breakers.note")}
        empty={openBreakers.length ? null : t("dashboard.breakers.empty")}
        table={
          <StatsTable
            caption={t("dashboard.breakers.caption")}
            columns={[t("shared.provider"), t("shared.state"), t("dashboard.breakers.opened")]}
            textCells={2}
            rows={openBreakers.map((breaker) => ({
              key: breaker.provider,
              header: breaker.provider,
              cells: [
                breaker.state === "open" ? t("dashboard.breakers.open") : t("dashboard.breakers.halfOpen"),
                breaker.openedAt ? formatDateTime(breaker.openedAt, locale) : "—",
              ],
            }))}
          />
        }
      />
    </div>
  );
}
