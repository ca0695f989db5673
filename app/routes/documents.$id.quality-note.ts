import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { getDocumentForOwner, listSections } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { contentDisposition } from "~/utils/download.server";
import { formatNumber } from "~/utils/format";
import { requireUser } from "~/utils/session-cookie.server";
import { invariantResponse } from "~/utils/invariant";

/**
 * The short quality note delivered beside (not inside) the document, in the reader's language: the scores of the
 * whole and of each section, "N/A" where a gate had no checker, the sources, and every warning.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const document = await getDocumentForOwner(db, params.id ?? "", user.id);
  invariantResponse(
    document && ["completed", "completed_with_warnings"].includes(document.status),
    t("documents:errors.notFound"),
    { status: 404 },
  );
  const na = (value: number | null, unit = "") =>
    value === null ? t("documents:notAvailable") : `${formatNumber(value, locale)}${unit}`;
  // Stored 0–1; N/A where nothing was judged (the offline demo, a document without citations).
  const percent = (value: number | null) =>
    value === null
      ? t("documents:notAvailable")
      : formatNumber(value, locale, { style: "percent", maximumFractionDigits: 1 });
  const sections = await listSections(db, document.id);
  const sources = await db.selectFrom("sources").select(["key"]).where("document_id", "=", document.id).execute();
  const warnings = document.quality_warnings as unknown as string[];
  const review = document.review_findings as {
    revised?: number[];
    uncitedSources?: string[];
    recentShare?: number | null;
  } | null;
  const requirements = (
    document.requirements_report as { document?: { checks: { constraint: string; met: boolean }[] } | null } | null
  )?.document;
  const lines = [
    t("documents:qualityNote.title", { topic: document.topic }),
    "",
    t("documents:qualityNote.uniqueness", { value: na(document.score_uniqueness, " %") }),
    t("documents:qualityNote.grammar", { value: na(document.score_grammar) }),
    t("documents:qualityNote.ai", { value: na(document.score_ai) }),
    t("citationSupport:qualityNotePrecision", { value: percent(document.citation_precision) }),
    t("citationSupport:qualityNoteRecall", { value: percent(document.citation_recall) }),
    t("documents:qualityNote.sources", { sources: sources.length }),
    "",
    t("documents:qualityNote.sections"),
    ...sections.map(
      (s) =>
        "  " +
        t("documents:qualityNote.sectionLine", {
          number: s.index + 1,
          heading: s.heading,
          verdict: s.status === "passed" ? t("documents:qualityNote.passed") : t("documents:qualityNote.notPassed"),
          written: formatNumber(s.word_count ?? 0, locale),
          target: formatNumber(s.target_words, locale),
          uniqueness: na(s.score_uniqueness, " %"),
          grammar: na(s.score_grammar),
          ai: na(s.score_ai),
          attempts: s.attempts,
        }),
    ),
    "",
    t("documents:qualityNote.review"),
    "  " +
      t("documents:qualityNote.revised", {
        sections: review?.revised?.length
          ? review.revised.map((i) => i + 1).join(", ")
          : t("documents:qualityNote.none"),
      }),
    "  " + t("documents:qualityNote.uncited", { sources: review?.uncitedSources?.length ?? 0 }),
    "  " +
      t("documents:qualityNote.recent", {
        share:
          review?.recentShare == null ? t("documents:notAvailable") : na(Math.round(review.recentShare * 100), " %"),
      }),
    ...(requirements
      ? [
          "",
          t("documents:qualityNote.requirements"),
          ...requirements.checks.map(
            (c) => `  [${c.met ? t("documents:qualityNote.met") : t("documents:qualityNote.notMet")}] ${c.constraint}`,
          ),
        ]
      : []),
    "",
    warnings.length ? t("documents:qualityNote.warnings") : t("documents:qualityNote.noWarnings"),
    ...warnings.map((w) => `  - ${w}`),
    ...(document.offline_demo ? ["", t("documents:qualityNote.offlineDemo")] : []),
  ];
  return new Response(lines.join("\n") + "\n", {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": contentDisposition(
        `${document.topic} - ${t("documents:qualityNote.fileName")}`,
        "txt",
      ).replace(/^attachment/, "inline"),
      "Cache-Control": "private, no-store",
      "Content-Language": locale,
    },
  });
}
