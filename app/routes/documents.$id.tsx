import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { Score } from "~/components/score";
import { OfflineDemoBadge, StatusBadge } from "~/components/status-badge";
import { isActive, useDocumentProgress } from "~/components/use-document-progress";
import { getDocumentForOwner } from "~/models/documents.server";
import { refundReasonLabel } from "~/models/refunds.server";
import { getDb } from "~/utils/db.server";
import { readLiveSnapshot } from "~/utils/document-event-relay.server";
import { STAGE_LABELS, type SectionSnapshot } from "~/utils/document-events";
import { formatDuration } from "~/utils/format";
import { LANGUAGES, type LanguageCode } from "~/utils/catalog";
import { formatMoney } from "~/utils/pricing";
import { requireUser } from "~/utils/session-cookie.server";
import { invariantResponse } from "~/utils/invariant";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.document.topic ?? "Document"} · TesiGo` },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const document = await getDocumentForOwner(db, params.id ?? "", user.id);
  invariantResponse(document, "Not found", { status: 404 });
  if (document.status === "draft") throw redirect(`/orders/${document.id}/topic`);
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
  const snapshot = (await readLiveSnapshot(db, document.id))!;
  return {
    document: {
      id: document.id,
      topic: document.topic,
      pages: document.pages,
      language: LANGUAGES[document.language as LanguageCode]?.label ?? document.language,
      status: document.status,
      failureReason: document.failure_reason,
      warnings: document.quality_warnings as unknown as string[],
      downloads: Boolean(document.docx_key && document.pdf_key),
      scores: { uniqueness: document.score_uniqueness, grammar: document.score_grammar, ai: document.score_ai },
    },
    refunds: refunds.map((r) => ({
      id: r.id,
      amount: formatMoney(r.amount_cents, r.currency),
      reason: refundReasonLabel(r.reason),
      status: r.status,
      date: r.created_at.toISOString().slice(0, 10),
    })),
    snapshot,
    preview: document.content ? previewOf(document.content) : null,
  };
}

/** The delivered text ("# title", "## heading" blocks with rendered citations and the references) for the web preview. */
function previewOf(content: string) {
  return content
    .split(/^## /m)
    .slice(1)
    .map((block, index) => {
      const [heading, ...rest] = block.split("\n");
      return {
        index,
        heading: heading.trim(),
        paragraphs: rest
          .join("\n")
          .split(/\n{2,}/)
          .map((p) => p.trim())
          .filter(Boolean),
      };
    });
}

const SECTION_ICON: Record<SectionSnapshot["status"], string> = {
  pending: "○",
  writing: "✎",
  passed: "✓",
  failed: "✗",
};
const SECTION_STATUS_TEXT: Record<SectionSnapshot["status"], string> = {
  pending: "waiting",
  writing: "being written",
  passed: "written",
  failed: "below the quality bar",
};

export default function DocumentPage() {
  const { document, snapshot: initial, preview, refunds } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  // The files are rendered right after the text is delivered: look again every 2 s until they are there.
  useEffect(() => {
    if (!preview || document.downloads) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle") revalidator.revalidate();
    }, 2000);
    return () => clearInterval(timer);
  }, [preview, document.downloads, revalidator]);
  const { snapshot, connection } = useDocumentProgress(initial);
  const active = isActive(snapshot.status);
  const finished = snapshot.sections.filter((s) => s.status === "passed" || s.status === "failed").length;
  const totalWords = snapshot.sections.reduce((n, s) => n + (s.wordCount ?? 0), 0);
  return (
    <article className="space-y-6">
      <div>
        <Link to="/documents" className="text-sm text-brand-700 underline">
          ← My documents
        </Link>
        <h1 className="mt-2 text-2xl font-bold">{document.topic}</h1>
        <div className="mt-2 flex flex-wrap items-center gap-2 text-sm text-slate-600">
          <StatusBadge status={snapshot.status} />
          {snapshot.offlineDemo ? <OfflineDemoBadge /> : null}
          <span>
            {document.pages} pages · {document.language}
          </span>
        </div>
      </div>

      {snapshot.offlineDemo ? (
        <p className="rounded-md border border-purple-200 bg-purple-50 p-3 text-sm text-purple-900">
          <strong>Offline demo.</strong> This text comes from TesiGo's built-in offline writer, which needs no AI
          provider. It shows how an order flows; it is not a real document. Set a provider key to write real ones.
        </p>
      ) : null}

      {active || snapshot.sections.length ? (
        <section aria-labelledby="progress-heading" className="rounded-lg border border-slate-200 bg-white p-5">
          <div className="flex items-baseline justify-between">
            <h2 id="progress-heading" className="font-semibold">
              {snapshot.status === "awaiting_payment"
                ? "Waiting for the payment to be confirmed"
                : (STAGE_LABELS[snapshot.stage ?? "queued"] ?? "Working")}
              {snapshot.stage === "writing" && snapshot.sections.length
                ? ` — ${finished} of ${snapshot.sections.length} written`
                : ""}
            </h2>
            <span className="text-sm text-slate-600" data-testid="progress-percent">
              {snapshot.percent}%
            </span>
          </div>
          <div
            className="mt-3 h-3 w-full overflow-hidden rounded-full bg-slate-200"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={snapshot.percent}
            aria-label="Writing progress"
          >
            <div
              className="h-full bg-brand-600 transition-all duration-500"
              style={{ width: `${snapshot.percent}%` }}
            />
          </div>
          <p className="mt-2 text-xs text-slate-500">
            {active
              ? snapshot.etaSeconds != null
                ? `About ${formatDuration(snapshot.etaSeconds)} left`
                : "Estimating the time left…"
              : null}
            {active ? (
              <span className="ml-2">
                {connection === "live" ? "· live" : connection === "polling" ? "· reconnecting…" : ""}
              </span>
            ) : null}
          </p>
          {snapshot.sections.length ? (
            <details open={active} className="mt-4">
              <summary className="cursor-pointer text-sm text-slate-600">
                {snapshot.sections.length} sections · {totalWords.toLocaleString("en")} words written
              </summary>
              <ol className="mt-2 space-y-1 text-sm" aria-label="Sections">
                {snapshot.sections.map((s) => (
                  <li
                    key={s.index}
                    className="flex flex-wrap items-center gap-x-2"
                    data-testid="section-progress"
                    data-status={s.status}
                  >
                    <span
                      aria-hidden
                      className={
                        s.status === "failed"
                          ? "text-red-600"
                          : s.status === "passed"
                            ? "text-emerald-600"
                            : "text-slate-400"
                      }
                    >
                      {SECTION_ICON[s.status]}
                    </span>
                    <span className="flex-1">{s.heading}</span>
                    <span className="sr-only">{SECTION_STATUS_TEXT[s.status]}</span>
                    <span className="text-xs text-slate-500">
                      {s.wordCount != null
                        ? `${s.wordCount} / ${s.targetWords} words`
                        : s.status === "writing"
                          ? "writing…"
                          : `${s.targetWords} words`}
                    </span>
                    {s.status === "passed" || s.status === "failed" ? (
                      <span className="w-full pl-6 text-xs text-slate-500 tabular-nums" data-testid="section-scores">
                        uniqueness <Score kind="uniqueness" value={s.scores?.uniqueness} /> · grammar{" "}
                        <Score kind="grammar" value={s.scores?.grammar} /> · AI <Score kind="ai" value={s.scores?.ai} />
                      </span>
                    ) : null}
                  </li>
                ))}
              </ol>
            </details>
          ) : null}
        </section>
      ) : null}

      {snapshot.status === "failed" || snapshot.status === "failed_quality" ? (
        <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-900">
          <p className="font-semibold">This document could not be finished.</p>
          <p className="mt-1 text-sm">{document.failureReason ?? "Generation stopped. Our team has been notified."}</p>
        </div>
      ) : null}

      {snapshot.status === "awaiting_payment" ? (
        <p className="text-sm text-slate-600">
          Not paid yet?{" "}
          <Link to={`/orders/${document.id}/review`} className="text-brand-700 underline">
            Review and pay
          </Link>
        </p>
      ) : null}

      {refunds.length ? (
        <section aria-labelledby="refunds-heading" className="rounded-md border border-slate-200 bg-white p-4 text-sm">
          <h2 id="refunds-heading" className="font-semibold">
            Refunds
          </h2>
          <ul className="mt-2 space-y-1">
            {refunds.map((r) => (
              <li key={r.id} data-testid="refund">
                {r.amount} · {r.date} · {r.status === "succeeded" ? "refunded" : "in progress"} (
                {r.reason.replaceAll("_", " ")})
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

      {preview && !document.downloads ? (
        <p role="status" className="rounded-md border border-slate-200 bg-white p-3 text-sm text-slate-600">
          Preparing your DOCX and PDF… the download buttons appear here in a few seconds.
        </p>
      ) : null}

      {document.downloads ? (
        <section
          aria-labelledby="delivery-heading"
          className="flex flex-wrap items-center gap-3 rounded-lg border border-slate-200 bg-white p-4"
        >
          <h2 id="delivery-heading" className="mr-auto font-semibold">
            Your document
          </h2>
          <a
            href={`/documents/${document.id}/download/docx`}
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-semibold text-white hover:bg-brand-700"
            download
          >
            Download DOCX
          </a>
          <a
            href={`/documents/${document.id}/download/pdf`}
            className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold hover:bg-slate-50"
            download
          >
            Download PDF
          </a>
          <a href={`/documents/${document.id}/quality-note`} className="text-sm text-brand-700 underline">
            Quality note
          </a>
        </section>
      ) : null}

      {preview ? (
        <dl className="grid grid-cols-3 gap-3 text-center text-sm" aria-label="Quality scores">
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-500">Uniqueness</dt>
            <dd className="text-lg font-semibold" data-testid="score-uniqueness">
              {document.scores.uniqueness === null ? "N/A" : `${document.scores.uniqueness}%`}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-500">Grammar errors / 1,000 words</dt>
            <dd className="text-lg font-semibold" data-testid="score-grammar">
              {document.scores.grammar === null ? "N/A" : document.scores.grammar}
            </dd>
          </div>
          <div className="rounded-md border border-slate-200 bg-white p-3">
            <dt className="text-slate-500">AI-detection score</dt>
            <dd className="text-lg font-semibold" data-testid="score-ai">
              {document.scores.ai === null ? "N/A" : document.scores.ai}
            </dd>
          </div>
        </dl>
      ) : null}

      {preview?.length ? (
        <div className="rounded-lg border border-slate-200 bg-white p-8" data-testid="document-text">
          <h2 className="text-center text-2xl font-bold">{document.topic}</h2>
          {preview.map((s) => (
            <section key={s.index} className="mt-8">
              <h3 className="text-xl font-semibold">{s.heading}</h3>
              {s.paragraphs.map((p, i) => (
                <p key={i} className="mt-3 leading-relaxed text-slate-800">
                  {p}
                </p>
              ))}
            </section>
          ))}
        </div>
      ) : null}
    </article>
  );
}
