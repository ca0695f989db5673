import type { Db } from "../../app/utils/db.server";
import { createDocument } from "../../app/models/documents.server";

// Documents in the states a customer's pages show, inserted as the pipeline leaves them (no writer needs to run).
// The texts are Italian, with no English word, so a page in another language shows only its own words and these.

const HEADINGS = ["Introduzione", "Quadro storico", "Conclusioni"];
const PARAGRAPH = "Le biblioteche pubbliche europee nascono nel diciannovesimo secolo come luoghi di lettura aperti.";

/** A delivered order (completed): scored sections, stored sources, the text, both files and a support refund. */
export async function insertDeliveredDocument(db: Db, userId: string, topic = "Storia sociale delle biblioteche") {
  const document = await createDocument(db, userId, { topic, pages: 5, language: "it" });
  const content = [
    `# ${topic}`,
    ...HEADINGS.map((heading) => `## ${heading}\n\n${PARAGRAPH} (Rossi, 2021)`),
    "## Bibliografia\n\nRossi, M. (2021). Biblioteche e lettori. Il Mulino.",
  ].join("\n\n");
  await db
    .updateTable("documents")
    .set({
      status: "completed",
      progress_percent: 100,
      progress_stage: "done",
      total_sections: HEADINGS.length,
      sections_finished: HEADINGS.length,
      score_uniqueness: 87.5,
      score_grammar: 1.2,
      score_ai: null,
      content,
      docx_key: `documents/${document.id}.docx`,
      pdf_key: `documents/${document.id}.pdf`,
      review_findings: JSON.stringify({ revised: [1], uncitedSources: [], recentShare: 0.5 }),
      completed_at: new Date(),
    })
    .where("id", "=", document.id)
    .execute();
  await db
    .insertInto("sections")
    .values(
      HEADINGS.map((heading, index) => ({
        document_id: document.id,
        index,
        heading,
        brief: heading,
        key_points: JSON.stringify([]),
        source_keys: JSON.stringify(["rossi2021"]),
        target_words: 1250,
        status: "passed" as const,
        attempts: 1,
        content: `${PARAGRAPH} (Rossi, 2021)`,
        word_count: 1234,
        score_uniqueness: 91.25,
        score_grammar: 0.5,
        score_ai: null,
      })),
    )
    .execute();
  await db
    .insertInto("sources")
    .values({ document_id: document.id, key: "rossi2021", title: "Biblioteche e lettori", year: 2021, csl: "{}" })
    .execute();
  const payment = await db
    .insertInto("payments")
    .values({
      document_id: document.id,
      user_id: userId,
      provider: "dev",
      amount_cents: document.price_cents,
      currency: document.currency,
      status: "partially_refunded",
      refunded_cents: 1250,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await db
    .insertInto("refunds")
    .values({
      payment_id: payment.id,
      amount_cents: 1250,
      reason: "support:harness",
      idempotency_key: `refund:${payment.id}:support:harness`,
      status: "succeeded",
    })
    .execute();
  return document;
}

/** An order being written: one section passed, one being written, one waiting, with a time left. */
export async function insertDocumentInProgress(db: Db, userId: string, topic = "Biblioteche e comunità locali") {
  const document = await createDocument(db, userId, { topic, pages: 5, language: "it" });
  await db
    .updateTable("documents")
    .set({
      status: "generating",
      progress_percent: 40,
      progress_stage: "writing",
      current_section: 1,
      total_sections: HEADINGS.length,
      sections_finished: 1,
      eta_seconds: 720,
      started_at: new Date(),
    })
    .where("id", "=", document.id)
    .execute();
  const statuses = ["passed", "writing", "pending"] as const;
  await db
    .insertInto("sections")
    .values(
      HEADINGS.map((heading, index) => ({
        document_id: document.id,
        index,
        heading,
        brief: heading,
        key_points: JSON.stringify([]),
        source_keys: JSON.stringify([]),
        target_words: 1250,
        status: statuses[index]!,
        attempts: index === 0 ? 1 : 0,
        content: index === 0 ? PARAGRAPH : null,
        word_count: index === 0 ? 1234 : null,
        score_uniqueness: index === 0 ? 91.25 : null,
        score_grammar: index === 0 ? 0.5 : null,
      })),
    )
    .execute();
  return document;
}
