import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { DocumentProgressPanel } from "~/components/document-progress-panel";
import { DocumentText } from "~/components/document-text";
import { BibliographyDownloads } from "~/components/bibliography-downloads";
import { CitationFigure, Score, ScoreTile } from "~/components/score";
import { OfflineDemoBadge, StatusBadge } from "~/components/status-badge";
import { useDocumentProgress } from "~/components/use-document-progress";
import { isActive } from "~/utils/live-progress";
import { languageName } from "~/i18n/catalog-labels";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { firstIssueMessage } from "~/i18n/issues.server";
import { citedSourcesOf } from "~/models/cited-sources.server";
import { documentTextPage, readDocumentText } from "~/models/document-text.server";
import { EDITABLE } from "~/models/document-versions.server";
import { getDocumentPageForOwner, snapshotOf } from "~/models/documents.server";
import { refundReasonLabel } from "~/models/refunds.server";
import { getDb } from "~/utils/db.server";
import { readLiveSnapshot } from "~/utils/document-event-relay.server";
import { partQuerySchema } from "~/utils/document-parts";
import { formatDate } from "~/utils/format";
import { formatMoney } from "~/utils/pricing";
import { requireUser } from "~/utils/session-cookie.server";
import { invariantResponse } from "~/utils/invariant";
import { OwnKeyPauseNotice } from "~/components/own-key-pause-notice";
import { getLlmKeySummary } from "~/models/customer-llm-keys.server";

// The link to the editor is worded in the editor's texts.
export const handle = { i18n: ["editing"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** Refund reasons the customer reads in their language; any other reads as refundReasonLabel writes it. */
const REFUND_REASONS = ["quality_threshold", "generation_failed", "account_deleted", "support"] as const;
type RefundReason = (typeof REFUND_REASONS)[number];
const isRefundReason = (code: string): code is RefundReason => (REFUND_REASONS as readonly string[]).includes(code);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const document = await getDocumentPageForOwner(db, params.id ?? "", user.id);
  invariantResponse(document, t("documents:errors.notFound"), { status: 404 });
  if (document.status === "draft") throw redirect(`/orders/${document.id}/topic`);
  const query = partQuerySchema.safeParse({ part: new URL(request.url).searchParams.get("part") ?? undefined });
  if (!query.success) throw Response.json({ error: await firstIssueMessage(request, query.error) }, { status: 400 });
  const delivered = document.content_md5 ? await readDocumentText(db, document.id, document.content_md5) : undefined;
  const text = delivered && documentTextPage(delivered, query.data.part);
  if (!text && query.data.part > 1) {
    const total = delivered?.parts.length ?? 0;
    const values = { part: query.data.part, total };
    throw Response.json(
      { error: t(total ? "documents:parts.notFound" : "documents:parts.noText", values) },
      { status: 404 },
    );
  }
  const editable = EDITABLE.includes(document.status);
  const refunds = await db
    .selectFrom("refunds")
    .innerJoin("payments", "payments.id", "refunds.payment_id")
    .select([
      "refunds.id",
      "refunds.amount_cents",
      "refunds.reason",
      "refunds.status",
      "refunds.created_at",
      "payments.currency",
    ])
    .where("payments.document_id", "=", document.id)
    .orderBy("refunds.created_at")
    .execute();
  // Once the text is delivered its outline takes the place of the section list, which would grow with the document.
  const snapshot =
    text && !isActive(document.status) ? snapshotOf(document, []) : (await readLiveSnapshot(db, document.id))!;
  // Whose key a paused order waits for (null: the key was deleted).
  const ownKey = document.priced_with_own_key ? await getLlmKeySummary(db, user.id) : undefined;
  return {
    title: t("documents:page.metaTitle", { topic: document.topic }),
    document: {
      id: document.id,
      topic: document.topic,
      pages: document.pages,
      language: document.language,
      status: document.status,
      failureReason: document.failure_reason,
      warnings: document.quality_warnings as unknown as string[],
      downloads: Boolean(document.docx_key && document.pdf_key),
      editable,
      citesSources: editable && (await citedSourcesOf(db, document.id)).length > 0,
      scores: { uniqueness: document.score_uniqueness, grammar: document.score_grammar, ai: document.score_ai },
      citations: { precision: document.citation_precision, recall: document.citation_recall },
      ownKeyProvider: ownKey?.provider ?? null,
    },
    refunds: refunds.map((r) => {
      const reason = refundReasonLabel(r.reason);
      const code = reason.replaceAll(" ", "_");
      return {
        id: r.id,
        amount: formatMoney(r.amount_cents, r.currency, locale),
        reason: isRefundReason(code) ? t(`documents:refunds.reasons.${code}`) : reason,
        status: r.status,
        date: formatDate(r.created_at, locale),
      };
    }),
    snapshot,
    text: text ?? null,
  };
}

export default function DocumentPage() {
  const { document, snapshot: initial, text, refunds } = useLoaderData<typeof loader>();
  const { t } = useTranslation(["documents", "editing"]);
  const { t: tRegeneration } = useTranslation("regeneration");
  const { t: tCitations } = useTranslation("citationSupport");
  const locale = useLocale();
  const revalidator = useRevalidator();
  // The files are rendered right after the text is delivered: look again every 2 s until they are there.
  useEffect(() => {
    if (!text || document.downloads) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [text, document.downloads, revalidator]);
  const { snapshot, connection } = useDocumentProgress(initial);
  const active = isActive(snapshot.status);
  return (
    <article className="space-y-6">
      <div>
        <Link to="/documents" className="text-sm text-brand-700 underline">
          {t("page.back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{document.topic}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <StatusBadge status={snapshot.status} />
          {snapshot.offlineDemo ? <OfflineDemoBadge /> : null}
          <span>
            {t("pages", { count: document.pages })} · {languageName(document.language, locale)}
          </span>
        </div>
      </div>

      {snapshot.offlineDemo ? (
        <p className="rounded-md border border-purple-200 bg-purple-50 p-3 text-sm text-purple-900">
          <strong>{t("page.offlineDemoTitle")}</strong> {t("page.offlineDemoText")}
        </p>
      ) : null}

      {snapshot.stage === "waiting_for_key" ? <OwnKeyPauseNotice provider={document.ownKeyProvider} /> : null}

      {active || snapshot.sections.length || text ? (
        <DocumentProgressPanel snapshot={snapshot} connection={connection} active={active} />
      ) : null}

      {snapshot.status === "failed" || snapshot.status === "failed_quality" ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-900">
          <p className="font-semibold">{t("page.failedTitle")}</p>
          <p className="mt-1 text-sm">{document.failureReason ?? t("page.failedFallback")}</p>
        </div>
      ) : null}

      {snapshot.status === "awaiting_payment" ? (
        <p className="text-sm text-slate-600">
          {t("page.notPaid")}{" "}
          <Link to={`/orders/${document.id}/review`} className="text-brand-700 underline">
            {t("page.reviewAndPay")}
          </Link>
        </p>
      ) : null}

      {refunds.length ? (
        <section aria-labelledby="refunds-heading" className="rounded-md border border-slate-200 bg-white p-4 text-sm">
          <h2 id="refunds-heading" className="font-semibold">
            {t("refunds.title")}
          </h2>
          <ul className="mt-2 space-y-1">
            {refunds.map((r) => (
              <li key={r.id} data-testid="refund">
                {r.amount} · {r.date} · {r.status === "succeeded" ? t("refunds.succeeded") : t("refunds.pending")} (
                {r.reason})
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {document.warnings?.length ? (
        <ul className="rounded-md border border-amber-200 bg-amber-50 p-4 text-sm text-amber-900">
          {document.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      ) : null}

      {text && !document.downloads ? (
        <p role="status" className="rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-600">
          {t("delivery.preparing")}
        </p>
      ) : null}

      {document.downloads ? (
        <section
          aria-labelledby="delivery-heading"
          className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 id="delivery-heading" className="mr-auto font-semibold">
            {t("delivery.title")}
          </h2>
          <a
            href={`/documents/${document.id}/download/docx`}
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
            download
          >
            {t("delivery.docx")}
          </a>
          <a
            href={`/documents/${document.id}/download/pdf`}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold hover:bg-slate-50"
            download
          >
            {t("delivery.pdf")}
          </a>
          {document.editable ? (
            <BibliographyDownloads documentId={document.id} citesSources={document.citesSources} />
          ) : null}
          <a href={`/documents/${document.id}/quality-note`} className="text-sm text-brand-700 underline">
            {t("delivery.qualityNote")}
          </a>
          {document.editable ? (
            <Link to={`/documents/${document.id}/edit`} className="text-sm text-brand-700 underline">
              {t("editing:editLink")}
            </Link>
          ) : null}
          <Link to={`/documents/${document.id}/versions`} className="text-sm text-brand-700 underline">
            {t("delivery.versions")}
          </Link>
        </section>
      ) : null}

      {text ? (
        <dl className="grid grid-cols-2 gap-3 text-center text-sm sm:grid-cols-5" aria-label={t("scores.label")}>
          <ScoreTile label={t("scores.uniqueness")} testId="score-uniqueness">
            <Score kind="uniqueness" value={document.scores.uniqueness} />
          </ScoreTile>
          <ScoreTile label={t("scores.grammar")} testId="score-grammar">
            <Score kind="grammar" value={document.scores.grammar} />
          </ScoreTile>
          <ScoreTile label={t("scores.ai")} testId="score-ai">
            <Score kind="ai" value={document.scores.ai} />
          </ScoreTile>
          <ScoreTile label={tCitations("precision")} testId="citation-precision">
            <CitationFigure kind="precision" value={document.citations.precision} />
          </ScoreTile>
          <ScoreTile label={tCitations("recall")} testId="citation-recall">
            <CitationFigure kind="recall" value={document.citations.recall} />
          </ScoreTile>
        </dl>
      ) : null}

      {/* Delivered: a section can be written again; the regeneration page lists them (this one stays small). */}
      {document.editable ? (
        <p className="text-sm">
          <Link to={`/documents/${document.id}/sections/0/regenerate`} className="text-brand-700 underline">
            {tRegeneration("link")}
          </Link>
        </p>
      ) : null}

      {text ? <DocumentText topic={document.topic} language={document.language} text={text} /> : null}
    </article>
  );
}
