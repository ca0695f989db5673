// What an evaluation run reports: each order's outcome, and quality figures over the delivered documents only — a
// refunded order's text never reached a customer, so its citations and length say nothing about what we sell.
import type { DbOrTrx } from "../../app/utils/db.server";
import { average, type DocumentEvaluation } from "./metrics";

/** `delivered`: completed with every section passed; `unfinished`: still queued or generating when the run ended. */
export type OrderOutcome =
  "delivered" | "completed_with_warnings" | "failed_quality" | "refunded" | "failed" | "cancelled" | "unfinished";

export type OrderResult = DocumentEvaluation & { outcome: OrderOutcome; reason: string | null };

const FINAL_OUTCOMES: ReadonlySet<string> = new Set([
  "completed_with_warnings",
  "failed_quality",
  "refunded",
  "failed",
  "cancelled",
]);
// A reason names at most this many failed sections: enough to see whether one gate fails them all.
const SECTIONS_NAMED = 2;

/** The order's outcome and, when it was not delivered, why: the document's failure and its failed sections' feedback. */
export async function orderOutcome(
  db: DbOrTrx,
  documentId: string,
): Promise<{ outcome: OrderOutcome; reason: string | null }> {
  const document = await db
    .selectFrom("documents")
    .select(["status", "failure_reason", "quality_warnings"])
    .where("id", "=", documentId)
    .executeTakeFirstOrThrow();
  if (document.status === "completed") return { outcome: "delivered", reason: null };
  const outcome: OrderOutcome = FINAL_OUTCOMES.has(document.status) ? (document.status as OrderOutcome) : "unfinished";
  const failedSections = await db
    .selectFrom("sections")
    .select(["index", "attempts"])
    .select((eb) =>
      eb
        .selectFrom("section_attempts")
        .select("feedback")
        .whereRef("section_attempts.section_id", "=", "sections.id")
        .orderBy("section_attempts.attempt", "desc")
        .limit(1)
        .as("feedback"),
    )
    .where("document_id", "=", documentId)
    .where("status", "=", "failed")
    .orderBy("index")
    .execute();
  const parts: string[] = [];
  if (document.failure_reason) parts.push(document.failure_reason);
  else if (outcome === "unfinished") parts.push(`still ${document.status} when the run ended`);
  for (const section of failedSections.slice(0, SECTIONS_NAMED)) {
    const feedback = (section.feedback as string[] | null) ?? [];
    const why = feedback.length ? `: ${feedback.join(" ")}` : "";
    parts.push(`section ${section.index + 1} failed after ${section.attempts} attempt(s)${why}`);
  }
  if (failedSections.length > SECTIONS_NAMED) parts.push(`${failedSections.length} sections failed in all`);
  if (!failedSections.length && document.quality_warnings.length) parts.push(...document.quality_warnings);
  return { outcome, reason: parts.join("; ") || null };
}

export type RunSummary = {
  ordered: number;
  /** Documents measured: the delivered ones. */
  documents: number;
  deliveredRate: number;
  citationResolveRate: number | null;
  bibliographyBackedRate: number | null;
  lengthScore: number | null;
  uniqueness: number | null;
  grammarErrorsPer1000: number | null;
  /** Averages of the delivered documents' citation figures; null when none was judged. */
  citationPrecision: number | null;
  citationRecall: number | null;
  /** `grammar`: the document's grammar score, null where no checker scored it (it then passed unchecked). */
  outcomes: {
    topic: string;
    language: string;
    outcome: OrderOutcome;
    reason: string | null;
    grammar: number | null;
  }[];
};

/** What the customer received: a completed order, with or without warnings (as the admin dashboard counts it). */
const RECEIVED: readonly OrderOutcome[] = ["delivered", "completed_with_warnings"];

/** The run's JSON line: figures averaged over the delivered documents, and every order's outcome. */
export function summarizeRun(results: OrderResult[]): RunSummary {
  const delivered = results.filter((r) => RECEIVED.includes(r.outcome));
  return {
    ordered: results.length,
    documents: delivered.length,
    deliveredRate: results.length ? delivered.length / results.length : 0,
    citationResolveRate: average(delivered.map((r) => r.citationResolveRate)),
    bibliographyBackedRate: average(delivered.map((r) => r.bibliographyBackedRate)),
    lengthScore: average(delivered.map((r) => r.lengthScore)),
    uniqueness: average(delivered.map((r) => r.uniqueness)),
    grammarErrorsPer1000: average(delivered.map((r) => r.grammarErrorsPer1000)),
    citationPrecision: average(delivered.map((r) => r.citationPrecision)),
    citationRecall: average(delivered.map((r) => r.citationRecall)),
    outcomes: results.map((r) => ({
      topic: r.topic,
      language: r.language,
      outcome: r.outcome,
      reason: r.reason,
      grammar: r.grammarErrorsPer1000,
    })),
  };
}
