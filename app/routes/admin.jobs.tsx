import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translateMessage } from "~/i18n/messages";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { HandledDeadLetters, WaitingDeadLetters } from "~/components/admin/dead-letter-tables";
import { QueueCountsTable, StuckJobsTable } from "~/components/admin/queue-tables";
import { handleDeadLetters, sayIt, whatRetryDoes, type DeadLetterOutcome } from "~/models/dead-letter-actions.server";
import { listDeadLetters } from "~/models/dead-letters.server";
import { countJobsByQueue, listStuckJobs } from "~/models/job-queues.server";
import { requireAdmin } from "~/utils/admin.server";
import { adminAudit } from "~/utils/admin-actions.server";
import { getDb } from "~/utils/db.server";
import { readFormData } from "~/utils/request.server";
import { deadLetterActionSchema } from "~/utils/schemas";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

/** How much of a payload the list shows (an email's carries its whole HTML). */
const PAYLOAD_SHOWN = 1500;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  const db = getDb();
  const [queues, stuck, waiting, handled] = await Promise.all([
    countJobsByQueue(db),
    listStuckJobs(db),
    listDeadLetters(db, "waiting"),
    listDeadLetters(db, "handled"),
  ]);
  const t = await translatorFor(await getLocale(request));
  const retryOf = (queue: string, status: Parameters<typeof whatRetryDoes>[1]) => {
    const { canRetry, note } = whatRetryDoes(queue, status);
    return { canRetry, note: sayIt(t, note) };
  };
  return {
    title: t("admin:jobs.title"),
    queues,
    stuck: stuck.map((job) => ({
      ...job,
      started_on: job.started_on.toISOString(),
      expired_on: job.expired_on.toISOString(),
    })),
    stuckCount: queues.reduce((sum, queue) => sum + queue.stuck, 0),
    waiting: waiting.map((letter) => {
      const payload = JSON.stringify(letter.payload, null, 2) ?? "null";
      return {
        id: letter.id,
        queue: letter.queue,
        payload: payload.length > PAYLOAD_SHOWN ? `${payload.slice(0, PAYLOAD_SHOWN)}…` : payload,
        error: letter.error,
        document_id: letter.document_id,
        document_topic: letter.document_topic,
        document_status: letter.document_status,
        died_at: letter.died_at.toISOString(),
        ...retryOf(letter.queue, letter.document_status),
      };
    }),
    handled: handled.map((letter) => ({
      id: letter.id,
      queue: letter.queue,
      outcome: letter.outcome,
      handled_at: letter.handled_at?.toISOString() ?? null,
      handled_by_email: letter.handled_by_email,
      retry_job_id: letter.retry_job_id,
      document_id: letter.document_id,
    })),
  };
}

type ActionReply = { error: string } | { message: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const admin = await requireAdmin(request);
  const submission = parseWithZod(await readFormData(request, deadLetterActionSchema), {
    schema: deadLetterActionSchema,
  });
  if (submission.status !== "success") {
    const t = await translatorFor(await getLocale(request));
    const problems = Object.values(submission.error ?? {}).flatMap((messages) =>
      (messages ?? []).map((text) => translateMessage(t, text)),
    );
    return reply({ error: t("admin:jobs.reply.nothingDone", { problems: [...new Set(problems)].join(" ") }) }, 400);
  }
  const { intent, ids, reason } = submission.value;
  const outcome = await handleDeadLetters(
    getDb(),
    intent,
    ids,
    adminAudit(admin, request, context, { action: `job.${intent}`, reason: reason || null }),
  );
  return describe(intent, outcome, await translatorFor(await getLocale(request)));
}

function reply(body: ActionReply, status: number) {
  return Response.json(body, { status });
}

/** What the admin is told, in their language, the model's reasons included. */
function describe(
  intent: "retry" | "discard",
  outcome: DeadLetterOutcome,
  t: Awaited<ReturnType<typeof translatorFor>>,
) {
  if (outcome.kind === "missing") {
    return reply({ error: t("admin:jobs.reply.missing", { ids: outcome.ids.join(", ") }) }, 400);
  }
  if (outcome.kind === "refused") {
    const why = outcome.refusals.map((r) =>
      t("admin:jobs.reply.refusedOne", { queue: r.queue, id: r.id, why: sayIt(t, r.why) }),
    );
    return reply({ error: t("admin:jobs.reply.refused", { reasons: why.join(t("admin:jobs.reply.also")) }) }, 409);
  }
  const count = outcome.handled.length;
  const already = outcome.alreadyHandled.length
    ? t("jobs.reply.already", { ns: "admin", count: outcome.alreadyHandled.length })
    : "";
  if (count === 0) {
    const nothing = intent === "retry" ? "admin:jobs.reply.nothingRetried" : "admin:jobs.reply.nothingDiscarded";
    return reply({ error: t(nothing, { already }) }, 409);
  }
  const sent = outcome.handled
    .filter((h) => h.jobId)
    .map((h) => t("admin:jobs.reply.jobAs", { queue: h.queue, id: h.jobId ?? "" }))
    .join(", ");
  const jobs = sent ? t("admin:jobs.reply.sentAgain", { jobs: sent }) : "";
  // Plural keys are named without their namespace prefix (the key scan in app/i18n/locales.test.ts reads no suffixes).
  const done = intent === "retry" ? "jobs.reply.retried" : "jobs.reply.discarded";
  return reply({ message: t(done, { ns: "admin", count, jobs, already }) }, 200);
}

export default function AdminJobs() {
  const { queues, stuck, stuckCount, waiting, handled } = useLoaderData<typeof loader>();
  const result = useActionData<ActionReply>();
  const busy = useNavigation().state === "submitting";
  const { t } = useTranslation("admin");
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-2xl font-bold">{t("jobs.heading")}</h1>
        {result && "error" in result ? (
          <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            {result.error}
          </p>
        ) : null}
        {result && "message" in result ? (
          <p role="status" className="rounded-md border border-green-200 bg-green-50 p-3 text-sm text-green-900">
            {result.message}
          </p>
        ) : null}
      </div>

      <section aria-labelledby="queues-heading" className="space-y-3">
        <h2 id="queues-heading" className="text-lg font-semibold">
          {t("jobs.queues")}
        </h2>
        <QueueCountsTable queues={queues} />
      </section>

      <section aria-labelledby="stuck-heading" className="space-y-3">
        <h2 id="stuck-heading" className="text-lg font-semibold">
          {t("jobs.stuck")} <span data-stuck-count={stuckCount}>({stuckCount})</span>
        </h2>
        <p className="text-sm text-slate-600">{t("jobs.stuckNote")}</p>
        <StuckJobsTable jobs={stuck} />
      </section>

      <section aria-labelledby="dead-heading" className="space-y-3">
        <h2 id="dead-heading" className="text-lg font-semibold">
          {t("jobs.dead")} <span data-dead-letter-count={waiting.length}>({waiting.length})</span>
        </h2>
        <p className="text-sm text-slate-600">{t("jobs.deadNote")}</p>
        <WaitingDeadLetters letters={waiting} busy={busy} />
      </section>

      <section aria-labelledby="handled-heading" className="space-y-3">
        <h2 id="handled-heading" className="text-lg font-semibold">
          {t("jobs.handled")}
        </h2>
        <HandledDeadLetters letters={handled} />
      </section>
    </div>
  );
}
