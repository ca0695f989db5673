import { randomUUID } from "node:crypto";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import {
  Outcome,
  RefundForm,
  RegenerateButton,
  ResendEmailForm,
  RetryForm,
  type ActionOutcome,
} from "~/components/admin/order-actions";
import {
  Empty,
  FilesList,
  Panel,
  PaymentsTable,
  RefundsTable,
  SectionsTable,
  SourcesTable,
  Timeline,
} from "~/components/admin/order-view";
import { StatusBadge } from "~/components/status-badge";
import { citationStyleText, kindText, languageName, stageText, statusText } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translatedIssues } from "~/i18n/issues.server";
import { getOrderForAdmin, orderTimeline, queuesThatMove, retryExplanation } from "~/models/admin-order.server";
import { performOrderAction } from "~/utils/admin-order-action.server";
import { requireAdmin } from "~/utils/admin.server";
import { getDb } from "~/utils/db.server";
import { formatDateTime, formatNumber } from "~/utils/format";
import { invariantResponse } from "~/utils/invariant";
import { formatMoney } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { adminOrderActionSchema } from "~/utils/schemas";
import { formatCount, formatDollars } from "~/utils/stats-format";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** The intents the page's forms send; any other outcome is shown above them. */
const FORM_INTENTS = ["retry", "regenerate", "refund", "resend-email"];

const iso = (date: Date | null) => (date ? date.toISOString() : null);
const cents = (amount: number) => (amount / 100).toFixed(2);

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const order = await getOrderForAdmin(getDb(), params.id ?? "");
  invariantResponse(order, t("admin:order.notFound"), { status: 404 });
  const { document: d } = order;
  const money = (amount: number, currency = d.currency) => formatMoney(amount, currency, locale);
  const explanation = retryExplanation(order);
  const how = t("admin:order.retry.how");
  const underway = (paymentId: string) =>
    order.refunds
      .filter((r) => r.payment_id === paymentId && (r.status === "pending" || r.status === "failed"))
      .reduce((sum, r) => sum + r.amount_cents, 0);
  const refundedCents = order.payments.reduce((sum, p) => sum + p.refunded_cents, 0);
  return {
    title: t("admin:order.title"),
    order: {
      id: d.id,
      topic: d.topic,
      kind: kindText(t, d.kind),
      pages: d.pages,
      language: languageName(d.language, locale),
      citationStyle: citationStyleText(t, d.citation_style),
      express: d.express,
      status: d.status,
      stage: d.progress_stage ? stageText(t, d.progress_stage) : null,
      percent: d.progress_percent,
      price: money(d.price_cents),
      failureReason: d.failure_reason,
      email: d.email,
      customerDeleted: d.customer_deleted_at !== null,
      offlineDemo: d.offline_demo,
      createdAt: d.created_at.toISOString(),
      paidAt: iso(d.paid_at),
      completedAt: iso(d.completed_at),
      tokens: t("admin:order.tokensLine", {
        in: formatCount(Number(d.tokens_in), locale),
        out: formatCount(Number(d.tokens_out), locale),
      }),
      cost: formatDollars(Number(d.cost_microdollars), locale),
      scores: { uniqueness: d.score_uniqueness, grammar: d.score_grammar, ai: d.score_ai },
      citations: [d.citation_precision, d.citation_recall].map((v) =>
        v === null ? null : formatNumber(v, locale, { style: "percent", maximumFractionDigits: 1 }),
      ),
      warnings: d.quality_warnings as unknown as string[],
      reviewFindings: d.review_findings ? JSON.stringify(d.review_findings, null, 2) : null,
      delivered: (d.status === "completed" || d.status === "completed_with_warnings") && d.docx_key !== null,
    },
    retry: {
      explanation:
        explanation.key === "notRetryable"
          ? t("admin:order.retry.notRetryable", { status: statusText(t, explanation.status) })
          : t(`admin:order.retry.${explanation.key}`, { how }),
      refunded: refundedCents > 0 ? money(refundedCents) : null,
    },
    sections: order.sections.map((s) => ({
      id: s.id,
      index: s.index,
      heading: s.heading,
      status: s.status,
      attempts: s.attempts,
      targetWords: s.target_words,
      wordCount: s.word_count,
      scores: { uniqueness: s.score_uniqueness, grammar: s.score_grammar, ai: s.score_ai },
      writer: s.provider ? `${s.provider} ${s.model ?? ""}`.trim() : null,
      tokensIn: s.tokens_in,
      tokensOut: s.tokens_out,
      cost: formatDollars(Number(s.cost_microdollars ?? 0), locale),
    })),
    sources: order.sources.map((s) => ({ id: s.id, key: s.key, title: s.title, year: s.year, doi: s.doi })),
    payments: order.payments.map((p) => ({
      id: p.id,
      provider: p.provider,
      amount: money(p.amount_cents, p.currency),
      refunded: money(p.refunded_cents, p.currency),
      status: p.status,
      createdAt: p.created_at.toISOString(),
      refundable:
        p.status === "succeeded" || p.status === "partially_refunded"
          ? cents(p.amount_cents - p.refunded_cents - underway(p.id))
          : null,
      // A new one for each rendering of the form (see RefundForm).
      requestId: randomUUID(),
    })),
    refunds: order.refunds.map((r) => ({
      id: r.id,
      amount: money(r.amount_cents, r.currency),
      reason: r.reason,
      status: r.status,
      createdAt: r.created_at.toISOString(),
      error: r.last_error,
    })),
    files: [
      ...(d.docx_key
        ? [{ label: "DOCX", href: `/documents/${d.id}/download/docx`, detail: t("admin:order.deliveredDocument") }]
        : []),
      ...(d.pdf_key
        ? [{ label: "PDF", href: `/documents/${d.id}/download/pdf`, detail: t("admin:order.deliveredDocument") }]
        : []),
      ...order.uploads.map((u) => ({
        label: u.filename,
        href: null,
        detail: t("admin:order.uploaded", {
          type: u.mime_type,
          size: formatCount(Math.ceil(u.size_bytes / 1024), locale),
        }),
      })),
    ],
    jobs: order.jobs.map((j) => ({
      id: j.id,
      name: j.name,
      state: j.expired ? t("admin:order.jobStuck") : j.state,
      // A job left over from an earlier state (the review's delayed safety-net assembly, say) finds nothing to do.
      idle: !queuesThatMove(d.status, d.progress_stage).includes(j.name),
      createdAt: j.created_on.toISOString(),
    })),
    timeline: orderTimeline(order, money, (text, values) => t(`admin:order.events.${text}`, values ?? {})).map((e) => ({
      ...e,
      at: e.at.toISOString(),
    })),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const form = await readFormData(request, [...adminOrderActionSchema.options]);
  const intent = String(form.get("intent") ?? "");
  const target = String(form.get("paymentId") ?? form.get("sectionId") ?? "") || undefined;
  const parsed = adminOrderActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const errors = await translatedIssues(request, parsed.error, "intent");
    const message = Object.values(errors).flat().join(" ");
    return data<ActionOutcome>({ intent, target, errors, message }, { status: 400 });
  }
  const outcome = await performOrderAction(params.id ?? "", parsed.data, { admin, request, context });
  return data<ActionOutcome>({ intent, target, ...outcome.body }, { status: outcome.status });
}

export default function AdminOrder() {
  const { order, retry, sections, sources, payments, refunds, files, jobs, timeline } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>() as ActionOutcome | undefined;
  const { t } = useTranslation("admin");
  const { t: tCitations } = useTranslation("citationSupport");
  const locale = useLocale();
  const when = (iso: string | null) => (iso ? formatDateTime(iso, locale) : "—");
  const kindLine = t("order.kindLine", {
    kind: order.kind,
    count: order.pages,
    language: order.language,
    style: order.citationStyle,
  });
  const facts: [string, string][] = [
    [t("shared.customer"), order.customerDeleted ? t("order.accountDeleted", { email: order.email }) : order.email],
    [t("shared.kind"), order.express ? t("order.express", { line: kindLine }) : kindLine],
    [t("order.price"), order.price],
    [t("order.stage"), `${order.stage ?? "—"} (${formatNumber(order.percent, locale)} %)`],
    [t("order.ordered"), when(order.createdAt)],
    [t("order.paid"), when(order.paidAt)],
    [t("order.finished"), when(order.completedAt)],
    [t("shared.tokens"), order.tokens],
    [t("order.llmCost"), order.cost],
  ];
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <Link to="/admin/documents" className="text-sm text-brand-700 underline">
          {t("order.all")}
        </Link>
        <h1 className="text-2xl font-bold">{order.topic}</h1>
        <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <StatusBadge status={order.status} /> <span className="font-mono text-xs">{order.id}</span>
          {order.offlineDemo ? <span>{t("order.offlineDemo")}</span> : null}
        </p>
        {order.failureReason ? (
          <p className="rounded-md bg-red-50 p-3 text-sm text-red-800">
            {t("order.failure", { reason: order.failureReason })}
          </p>
        ) : null}
        <dl className="grid grid-cols-1 gap-x-6 gap-y-1 text-sm sm:grid-cols-2">
          {facts.map(([term, value]) => (
            <div key={term} className="flex gap-2">
              <dt className="font-semibold text-slate-700">{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      </div>

      <Panel id="actions" title={t("order.actions")}>
        {outcome && !FORM_INTENTS.includes(outcome.intent) ? <Outcome outcome={outcome} /> : null}
        <div className="grid gap-4 md:grid-cols-2">
          <RetryForm outcome={outcome} refunded={retry.refunded} explanation={retry.explanation} />
          {order.delivered ? <ResendEmailForm outcome={outcome} /> : null}
          {payments
            .filter((p) => p.refundable !== null)
            .map((p) => (
              <RefundForm
                key={p.id}
                outcome={outcome}
                paymentId={p.id}
                requestId={p.requestId}
                left={p.refundable!}
                label={t("order.refundLabel", { provider: p.provider, amount: p.amount })}
              />
            ))}
        </div>
      </Panel>

      <Panel id="sections" title={t("order.sections")}>
        <SectionsTable
          sections={sections}
          actions={(s) =>
            s.status === "passed" || s.status === "failed" ? (
              <RegenerateButton outcome={outcome} sectionId={s.id} index={s.index} />
            ) : null
          }
        />
      </Panel>

      <Panel id="quality" title={t("order.quality")}>
        <p className="text-sm">
          {t("order.scores", {
            uniqueness: order.scores.uniqueness ?? t("shared.notAvailable"),
            grammar: order.scores.grammar ?? t("shared.notAvailable"),
            ai: order.scores.ai ?? t("shared.notAvailable"),
          })}
        </p>
        <p className="text-sm" data-testid="citation-figures">
          {tCitations("precision")}: {order.citations[0] ?? t("shared.notAvailable")} · {tCitations("recall")}:{" "}
          {order.citations[1] ?? t("shared.notAvailable")}
        </p>
        {order.warnings.length ? (
          <ul className="list-disc pl-5 text-sm">
            {order.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        ) : (
          <Empty>{t("order.noWarnings")}</Empty>
        )}
        {order.reviewFindings ? (
          <details className="text-sm">
            <summary className="cursor-pointer font-semibold">{t("order.findings")}</summary>
            <pre className="mt-2 overflow-x-auto rounded-md bg-slate-50 p-3 text-xs">{order.reviewFindings}</pre>
          </details>
        ) : (
          <Empty>{t("order.notReviewed")}</Empty>
        )}
      </Panel>

      <Panel id="payments-and-refunds" title={t("order.money")}>
        <PaymentsTable payments={payments} />
        <RefundsTable refunds={refunds} />
      </Panel>

      <Panel id="files" title={t("order.files")}>
        <FilesList files={files} />
        <Link to={`/admin/documents/${order.id}/versions`} className="text-sm text-brand-700 underline">
          {t("versions.link")}
        </Link>
      </Panel>

      <Panel id="jobs" title={t("order.jobs")}>
        {jobs.length ? (
          <ul className="list-disc pl-5 text-sm">
            {jobs.map((j) => (
              <li key={j.id}>
                <span className="font-mono">{j.name}</span> —{" "}
                {t("order.jobLine", { state: j.state, when: formatDateTime(j.createdAt, locale) })}
                {j.idle ? t("order.jobIdle") : ""}
              </li>
            ))}
          </ul>
        ) : (
          <Empty>{t("order.noJobs")}</Empty>
        )}
      </Panel>

      <Panel id="sources" title={t("order.sources")}>
        <SourcesTable sources={sources} />
      </Panel>

      <Panel id="timeline" title={t("order.timeline")}>
        <Timeline entries={timeline} />
      </Panel>
    </div>
  );
}
