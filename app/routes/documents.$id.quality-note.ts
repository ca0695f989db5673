import type { LoaderFunctionArgs } from "@remix-run/node";
import { getDocumentForOwner, listSections } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { contentDisposition } from "~/utils/download.server";
import { requireUser } from "~/utils/session-cookie.server";
import { invariantResponse } from "~/utils/invariant";

const na = (value: number | null, unit = "") => (value === null ? "N/A" : `${value}${unit}`);

/**
 * The short quality note delivered beside (not inside) the document: the scores of the whole and of each section,
 * "N/A" where a gate had no checker, the sources, and every warning.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const db = getDb();
  const document = await getDocumentForOwner(db, params.id ?? "", user.id);
  invariantResponse(document && ["completed", "completed_with_warnings"].includes(document.status), "Not found", {
    status: 404,
  });
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
    `Quality note — ${document.topic}`,
    "",
    `Uniqueness: ${na(document.score_uniqueness, " %")} (share of the text found in no source, no other section and no earlier delivery)`,
    `Grammar: ${na(document.score_grammar)} errors per 1,000 words`,
    `AI detection: ${na(document.score_ai)} (0–100; N/A when no detector is configured)`,
    `Sources found and stored: ${sources.length}`,
    "",
    "Sections:",
    ...sections.map(
      (s) =>
        `  ${s.index + 1}. ${s.heading} — ${s.status === "passed" ? "passed" : "did not pass"}; ${s.word_count ?? 0} of ${s.target_words} words; ` +
        `uniqueness ${na(s.score_uniqueness, " %")}, grammar ${na(s.score_grammar)}, AI ${na(s.score_ai)}; ${s.attempts} attempt(s)`,
    ),
    "",
    "Review of the whole document:",
    `  Sections revised after the review: ${review?.revised?.length ? review.revised.map((i) => i + 1).join(", ") : "none"}`,
    `  Sources found but never cited: ${review?.uncitedSources?.length ?? 0}`,
    `  Sources from the last 5 years: ${review?.recentShare == null ? "N/A" : `${Math.round(review.recentShare * 100)} %`}`,
    ...(requirements
      ? [
          "",
          "Your requirements:",
          ...requirements.checks.map((c) => `  [${c.met ? "met" : "NOT met"}] ${c.constraint}`),
        ]
      : []),
    "",
    warnings.length ? "Warnings:" : "No warnings.",
    ...warnings.map((w) => `  - ${w}`),
    ...(document.offline_demo
      ? ["", "Written by the offline demo writer: placeholder text, not judged by the quality gates."]
      : []),
  ];
  return new Response(lines.join("\n") + "\n", {
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Content-Disposition": contentDisposition(`${document.topic} - quality note`, "txt").replace(
        /^attachment/,
        "inline",
      ),
      "Cache-Control": "private, no-store",
    },
  });
}
