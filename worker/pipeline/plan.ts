import { writerForOrder } from "../llm/customer-writer";
import { sql } from "kysely";
import { sendJobs } from "../../app/jobs/queue.server";
import { budgetFor, deferForBudget } from "../budget";
import { DIRECT_CALL, type DeliveryInfo, type PipelineContext } from "../context";
import { recordUsage } from "../llm/usage";
import { judgeRequirements } from "../quality/requirements";
import { assignSourcesToSections, findSources, storeSources } from "../research";
import { readCustomerSources, storeCustomerSources, withoutCustomerSources } from "../research/customer-sources";
import { lookUpCustomerSources, nameCustomerSources } from "../research/resolve";
import { englishQueryFor } from "../research/english-query";
import { fullTextsToFetch } from "../research/full-text-candidates";
import { fetchFullTexts } from "../research/full-text";
import { storeFullTexts } from "../../app/models/source-full-texts.server";
import { lockDocument, setStage, writingPercent } from "../../app/models/document-progress.server";
import { prepareCitations } from "../export/deliver";
import { QUEUES, type PlanDocumentJob } from "../../app/jobs/definitions";
import { sectionPriority } from "../../app/jobs/priorities";
import { outlinePrompt, parseOutline, sectionCount } from "./outline";

export function requirementsText(document: { instructions: string | null; requirements_text: string | null }): string {
  return [document.instructions, document.requirements_text].filter(Boolean).join("\n\n");
}

/** document.plan: outline → one `sections` row and one section.write job per section, in one transaction. */
export async function planDocument(
  ctx: PipelineContext,
  job: PlanDocumentJob,
  delivery: DeliveryInfo = DIRECT_CALL,
): Promise<void> {
  const { db, log } = ctx;
  const { documentId } = job;
  const document = await db
    .selectFrom("documents")
    .selectAll()
    .select((eb) => [
      eb
        .exists(eb.selectFrom("sections").select("id").whereRef("sections.document_id", "=", "documents.id"))
        .as("planned"),
      // The customer's tier, for the sections' priority.
      eb.selectFrom("users").select("premium").whereRef("users.id", "=", "documents.user_id").as("premium"),
    ])
    .where("id", "=", documentId)
    .executeTakeFirst();
  if (!document || !["queued", "generating"].includes(document.status)) {
    log.info({ documentId, status: document?.status }, "plan skipped: document is not waiting for generation");
    return;
  }
  // Planned by an earlier delivery of this job (which made the document generating): its section jobs went with it.
  if (document.planned) return;
  const router = await writerForOrder(ctx, document);

  const startPlanning = () =>
    setStage(db, documentId, "planning", {
      from: { status: "queued" },
      status: "generating",
      columns: { started_at: sql`coalesce(started_at, now())` },
    });
  const budget = await budgetFor(ctx, document.user_id);
  if (!budget.allowed) {
    await startPlanning();
    await deferForBudget(ctx, QUEUES.planDocument, job, budget);
    return;
  }
  // The gates get ready for this language (a dictionary takes seconds to load) while the outline is being written.
  for (const gate of ctx.gates ?? []) gate.prepare?.(document.language, document.topic);
  const count = sectionCount(document.pages);
  // The outline is asked for at once; the document turns "generating" while the writer writes it.
  const planned = router
    .complete({
      ...outlinePrompt(document, count),
      json: true,
      intent: { kind: "outline", topic: document.topic, language: document.language, sectionCount: count },
      signal: delivery.signal,
    })
    .then((completion) => ({
      completion,
      outline: parseOutline(completion.text, document.pages, document.language, count),
    }));
  planned.catch(() => {}); // awaited below, after the transition; a failed outline is the error to report then
  await startPlanning();
  // A non-English order's English query: its topic put into English by the writer, while the outline is written.
  const translating =
    ctx.research?.providers.length && !document.language.toLowerCase().startsWith("en")
      ? englishQueryFor(router, document, delivery.signal).catch((error) => {
          log.warn(
            { documentId, err: String(error) },
            "the topic could not be put into English; searching it as typed",
          );
          return null;
        })
      : Promise.resolve(null);
  // Real sources only: what the scholarly indexes answer. Offline, the document is written without references. The
  // topic's searches run while the outline is being written; the headings' follow it.
  const searching = ctx.research?.providers.length
    ? findSources(
        {
          topic: document.topic,
          language: document.language,
          headings: planned.then(({ outline }) => outline.map((s) => s.heading)),
          englishKeywords: document.discipline ? [document.discipline] : [],
          englishTopic: translating.then((english) => english?.text ?? null),
        },
        { ...ctx.research, signal: delivery.signal },
      )
    : Promise.resolve({ sources: [], reachable: [], failed: [], queries: [] });
  searching.catch(() => {}); // awaited below, once the outline is there; a failed outline is the error to report
  // The customer's own references are looked up meanwhile too (named once the search has given its keys).
  const lookingUp = readCustomerSources(db, documentId).then((rows) =>
    lookUpCustomerSources(rows, ctx.research && { ...ctx.research, signal: delivery.signal }),
  );
  lookingUp.catch(() => {}); // awaited below, as the search is
  const { completion, outline } = await planned;

  // The requirements judge reads the outline against the customer's explicit constraints (null: nothing to check).
  const requirements = requirementsText(document);
  // Not sent to a writer for an order cancelled while its outline was written (its account deleted, say).
  if (
    requirements &&
    (await db.selectFrom("documents").select("status").where("id", "=", documentId).executeTakeFirst())?.status !==
      "generating"
  ) {
    log.info({ documentId }, "plan dropped: the order is no longer being generated");
    return;
  }
  const judging = judgeRequirements(
    router,
    {
      requirements,
      subject: "outline",
      text: outline.map((s, i) => `${i + 1}. ${s.heading}: ${s.brief}`).join("\n"),
      language: document.language,
    },
    delivery.signal,
  ).catch((error) => {
    log.warn({ documentId, err: String(error) }, "requirements judge failed on the outline");
    return null;
  });

  const searched = await searching;
  const customer = nameCustomerSources(
    await lookingUp,
    searched.sources.map((s) => s.key),
  );
  // A work the customer gave is theirs: the search's copy of it goes.
  const research = { ...searched, sources: withoutCustomerSources(searched.sources, customer) };
  const assignment = assignSourcesToSections(
    [
      ...customer.map((s) => ({ key: s.key, title: s.title, abstract: s.abstract, priority: true })),
      ...research.sources.map((s) => ({ key: s.key, title: s.title, abstract: s.abstract })),
    ],
    outline.map((s, index) => ({ index, heading: s.heading, keyPoints: s.keyPoints })),
  );
  // The assigned sources' open-access PDFs are fetched and read while the judge reads the outline, within a budget.
  const fullTexts = ctx.fullText
    ? await fetchFullTexts(
        fullTextsToFetch([...customer, ...research.sources], assignment),
        ctx.fullText,
        delivery.signal,
      )
    : new Map();
  const outlineJudgement = await judging;
  const english = await translating;

  await db.transaction().execute(async (trx) => {
    // The row lock serialises two deliveries of this job; the second sees the sections and leaves. (Two statements:
    // one that waited for the lock still reads with the snapshot it began with, blind to what the first committed.)
    // Cancelled or refunded while the outline was written (the account was deleted, say): nothing of it is kept.
    const locked = await lockDocument(trx, documentId);
    if (locked?.status !== "generating") return;
    const again = await trx
      .selectFrom("sections")
      .select("id")
      .where("document_id", "=", documentId)
      .limit(1)
      .execute();
    if (again.length > 0) return;

    const sections = await trx
      .insertInto("sections")
      .values(
        outline.map((s, index) => ({
          document_id: documentId,
          index,
          heading: s.heading,
          brief: s.brief,
          key_points: JSON.stringify(s.keyPoints),
          source_keys: JSON.stringify(assignment.get(index) ?? []),
          target_words: s.targetWords,
        })),
      )
      .returning(["id", "index"])
      .execute();
    await recordUsage(trx, { documentId, userId: document.user_id, purpose: "outline", completion });
    if (english)
      await recordUsage(trx, {
        documentId,
        userId: document.user_id,
        purpose: "research-query",
        completion: english.completion,
      });
    await storeCustomerSources(trx, customer);
    await storeSources(trx, documentId, research.sources);
    await storeFullTexts(trx, documentId, fullTexts);
    // The document's new state and its event in one statement.
    await setStage(trx, documentId, "writing", {
      percent: writingPercent(0, sections.length),
      totalSections: sections.length,
      columns: {
        offline_demo: completion.provider === "offline",
        requirements_report: JSON.stringify({ outline: outlineJudgement }),
        research_report: JSON.stringify({
          sources: research.sources.length,
          customerSources: customer.length,
          reachable: research.reachable,
          failed: research.failed,
          englishQuery: english?.text ?? null,
          fullTexts: countStatuses(fullTexts),
        }),
      },
    });
    await sendJobs(
      trx,
      QUEUES.writeSection,
      sections.map((section) => ({
        data: { documentId, sectionId: section.id },
        priority: sectionPriority(Boolean(document.premium) || document.express, document.pages, section.index),
      })),
    );
  });
  log.info(
    {
      documentId,
      sections: outline.length,
      provider: completion.provider,
      sources: research.sources.length,
      failed: research.failed,
    },
    "document planned",
  );
  // Once the sections have gone to the writers (their requests leave within milliseconds), the wait for them is the
  // time to prepare the checkers and the citation engine the delivery will need.
  setTimeout(() => {
    // The checkers run once over this document's own outline and abstracts, so its sections meet them warm.
    const sample = [
      ...outline.flatMap((s) => [s.heading, s.brief, ...s.keyPoints]),
      ...[...customer, ...research.sources].map((s) => s.abstract ?? ""),
    ].join("\n\n");
    for (const gate of ctx.gates ?? []) gate.prepare?.(document.language, sample);
    try {
      prepareCitations(ctx.machinery.citations, document, [...customer, ...research.sources]);
    } catch (error) {
      log.warn(
        { documentId, err: error instanceof Error ? error.message : String(error) },
        "could not prepare the citation engine",
      );
    }
  }, PREPARE_AFTER_MS).unref();
}

/** How long after planning the checkers and the citation engine are prepared: after the section requests, during the wait for them. */
const PREPARE_AFTER_MS = 300;

/** How many PDFs ended in each outcome ("fetched", "refused"…), for the research report. */
function countStatuses(outcomes: ReadonlyMap<string, { status: string }>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { status } of outcomes.values()) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}
