import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { formatScore } from "~/components/score";
import { Button } from "~/components/ui/button";
import { useRegenerationLive } from "~/components/use-regeneration-live";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { translateMessage } from "~/i18n/messages";
import { EDITABLE } from "~/models/document-versions.server";
import { getDocumentForOwner } from "~/models/documents.server";
import { CheckoutUnavailableError } from "~/models/checkout.server";
import {
  buyRegenerationWithDevPayment,
  regenerationPurchase,
  startRegenerationCheckout,
} from "~/models/regeneration-checkout.server";
import {
  discardRegeneration,
  getRegenerationPage,
  keepRegeneration,
  requestRegeneration,
} from "~/models/regenerations.server";
import { getDb } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { invariantResponse } from "~/utils/invariant";
import { formatMoney } from "~/utils/pricing";
import { readFormData } from "~/utils/request.server";
import { MAX_REGENERATION_INSTRUCTION, regenerationActionSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

type ActionOutcome = { error: string; sectionChanged?: boolean; regenerationId?: string };

/** The owner's section, or the same 404 as a document that does not exist (a stranger's, a malformed id). */
async function requireSection(request: Request, params: LoaderFunctionArgs["params"]) {
  const user = await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  const index = /^\d{1,4}$/.test(params.index ?? "") ? Number(params.index) : -1;
  const page = index >= 0 ? await getRegenerationPage(getDb(), params.id ?? "", user.id, index) : undefined;
  if (!page) {
    // The owner's document that has no such section yet (still being planned): it is not editable, said plainly.
    const document = index >= 0 ? await getDocumentForOwner(getDb(), params.id ?? "", user.id) : undefined;
    if (document && !EDITABLE.includes(document.status))
      throw new Response(t("regeneration:errors.notEditable"), { status: 409 });
  }
  invariantResponse(page, t("documents:errors.notFound"), { status: 404 });
  return { user, page, index, t };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { page, index, t } = await requireSection(request, params);
  const locale = await getLocale(request);
  const { document, section, sections, latest, quota } = page;
  const checkout = new URL(request.url).searchParams.get("checkout");
  return {
    title: t("regeneration:metaTitle", { number: index + 1, topic: document.topic }),
    document: { id: document.id, topic: document.topic, editable: EDITABLE.includes(document.status) },
    section: { index: section.index, heading: section.heading, content: section.content ?? "" },
    sections,
    latest: latest && {
      id: latest.id,
      status: latest.status,
      instruction: latest.instruction,
      content: latest.content,
      failureReason: latest.failure_reason,
      sectionChanged: latest.base_revision !== section.revision,
      scores: { uniqueness: latest.score_uniqueness, grammar: latest.score_grammar, ai: latest.score_ai },
    },
    quota: { free: quota.free, freeLeft: quota.freeLeft, boughtLeft: quota.boughtLeft },
    purchase: regenerationPurchase(),
    price: formatMoney(getEnv().REGENERATION_PRICE_CENTS, document.currency, locale),
    checkout: checkout === "success" ? ("success" as const) : checkout === "cancelled" ? ("cancelled" as const) : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, page, index, t } = await requireSection(request, params);
  const documentId = page.document.id;
  const here = `/documents/${documentId}/sections/${index}/regenerate`;
  const refused = (key: string, status: number, extra: Partial<ActionOutcome> = {}): Response =>
    Response.json({ error: translateMessage(t, key), ...extra } satisfies ActionOutcome, { status });
  const form = await readFormData(request, [...regenerationActionSchema.options]);
  const parsed = regenerationActionSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return refused(parsed.error.issues[0]?.message ?? "validation:pageAction", 400);
  const db = getDb();
  const owner = { documentId, ownerId: user.id };
  const input = parsed.data;
  const refusals = {
    not_found: ["regeneration:errors.unknown", 404],
    not_editable: ["regeneration:errors.notEditable", 409],
    busy: ["regeneration:errors.busy", 409],
    quota_exhausted: ["regeneration:errors.quotaExhausted", 409],
    not_ready: ["regeneration:errors.notReady", 409],
  } as const satisfies Record<string, readonly [string, number]>;
  const refuse = (reason: keyof typeof refusals) => refused(refusals[reason][0], refusals[reason][1]);
  switch (input.intent) {
    case "regenerate": {
      const result = await requestRegeneration(db, { ...owner, index, instruction: input.instruction });
      if (!result.ok) return refuse(result.reason);
      return redirect(here);
    }
    case "keep": {
      const result = await keepRegeneration(db, {
        ...owner,
        regenerationId: input.regenerationId,
        anyway: input.anyway === "on",
      });
      if (result.ok) return redirect(here);
      if (result.reason === "section_changed")
        return refused("regeneration:changed", 409, { sectionChanged: true, regenerationId: input.regenerationId });
      return refuse(result.reason);
    }
    case "discard": {
      const result = await discardRegeneration(db, { ...owner, regenerationId: input.regenerationId });
      if (!result.ok) return refuse(result.reason === "section_changed" ? "not_ready" : result.reason);
      return redirect(here);
    }
    case "buy": {
      if (!EDITABLE.includes(page.document.status)) return refuse("not_editable");
      const purchase = regenerationPurchase();
      if (!purchase) return refused("regeneration:buy.off", 409);
      if (purchase === "dev") {
        if (!(await buyRegenerationWithDevPayment(db, documentId, user.id))) return refuse("not_editable");
        return redirect(here);
      }
      try {
        return redirect(await startRegenerationCheckout(db, { documentId, userId: user.id, index }));
      } catch (error) {
        if (error instanceof CheckoutUnavailableError) return refused(error.message, 503);
        throw error;
      }
    }
  }
}

export default function RegenerateSection() {
  const { document, section, sections, latest, quota, purchase, price, checkout } = useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>() as ActionOutcome | undefined;
  const { t } = useTranslation("regeneration");
  const locale = useLocale();
  const navigation = useNavigation();
  const busy = navigation.state !== "idle";
  const live = useRegenerationLive(document.id, latest);
  const status = live?.status ?? latest?.status ?? null;
  const working = status === "queued" || status === "writing";
  const left = quota.freeLeft + quota.boughtLeft;
  const score = (kind: "uniqueness" | "grammar" | "ai") =>
    formatScore(kind, latest?.scores[kind], locale) ?? t("compare.notAvailable");
  return (
    <article className="space-y-6">
      <div>
        <Link to={`/documents/${document.id}`} className="text-sm text-brand-700 underline">
          {t("back")}
        </Link>
        <h1 className="mt-2 text-2xl font-bold">
          {t("heading", { number: section.index + 1, heading: section.heading })}
        </h1>
        <p className="mt-1 text-sm text-slate-600">{document.topic}</p>
      </div>

      <details className="rounded-md border border-slate-200 bg-white p-3 text-sm">
        <summary className="cursor-pointer font-semibold">{t("otherSections")}</summary>
        <ul className="mt-2 space-y-1">
          {sections.map((s) => (
            <li key={s.index}>
              <Link
                to={`/documents/${document.id}/sections/${s.index}/regenerate`}
                aria-current={s.index === section.index ? "page" : undefined}
                className="text-brand-700 underline aria-[current=page]:font-semibold aria-[current=page]:no-underline"
              >
                {t("linkSection", { number: s.index + 1, heading: s.heading })}
              </Link>
            </li>
          ))}
        </ul>
      </details>

      {!document.editable ? (
        <p role="alert" className="rounded-md border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          {t("errors.notEditable")}
        </p>
      ) : null}
      {checkout ? (
        <p role="status" className="rounded-md border border-slate-200 bg-white p-3 text-sm">
          {checkout === "success" ? t("buy.success") : t("buy.cancelled")}
        </p>
      ) : null}
      {outcome?.error ? (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-900">
          {outcome.error}
        </p>
      ) : null}

      {latest ? (
        <section aria-labelledby="regeneration-state" className="space-y-3 rounded-lg border bg-white p-4">
          <h2 id="regeneration-state" className="font-semibold" data-testid="regeneration-status" data-status={status}>
            {t(`status.${status ?? "queued"}`)}
          </h2>
          <p className="text-sm text-slate-600">{t("compare.instruction", { instruction: latest.instruction })}</p>
          {working && live?.words ? (
            <div className="text-sm text-slate-600" aria-live="polite">
              <p>{t("status.words", { words: live.words })}</p>
              {live.tail ? <p className="mt-2 whitespace-pre-wrap text-slate-500">…{live.tail}</p> : null}
            </div>
          ) : null}
          {status === "failed" && latest.failureReason ? (
            <p className="text-sm text-red-800">{t(`failure.${latest.failureReason as "checks"}`)}</p>
          ) : null}
          {status === "ready" && latest.content !== null ? (
            <>
              <div className="grid gap-4 md:grid-cols-2">
                <div>
                  <h3 className="text-sm font-semibold text-slate-500">{t("compare.current")}</h3>
                  <p className="mt-1 whitespace-pre-wrap text-sm" data-testid="current-text">
                    {section.content}
                  </p>
                </div>
                <div>
                  <h3 className="text-sm font-semibold text-slate-500">{t("compare.new")}</h3>
                  <p className="mt-1 whitespace-pre-wrap text-sm" data-testid="new-text">
                    {latest.content}
                  </p>
                  <p className="mt-2 text-xs text-slate-500">
                    {t("compare.scores", {
                      uniqueness: score("uniqueness"),
                      grammar: score("grammar"),
                      ai: score("ai"),
                    })}
                  </p>
                </div>
              </div>
              {latest.sectionChanged || outcome?.sectionChanged ? (
                <p className="text-sm text-amber-900">{t("changed")}</p>
              ) : null}
              <div className="flex flex-wrap gap-3">
                <Form method="post">
                  <input type="hidden" name="intent" value="keep" />
                  <input type="hidden" name="regenerationId" value={latest.id} />
                  {latest.sectionChanged || outcome?.sectionChanged ? (
                    <input type="hidden" name="anyway" value="on" />
                  ) : null}
                  <Button type="submit" disabled={busy}>
                    {latest.sectionChanged || outcome?.sectionChanged ? t("actions.keepAnyway") : t("actions.keep")}
                  </Button>
                </Form>
                <Form method="post">
                  <input type="hidden" name="intent" value="discard" />
                  <input type="hidden" name="regenerationId" value={latest.id} />
                  <Button type="submit" variant="secondary" disabled={busy}>
                    {t("actions.discard")}
                  </Button>
                </Form>
              </div>
            </>
          ) : null}
        </section>
      ) : null}

      {document.editable && !working && status !== "ready" ? (
        <section aria-labelledby="regenerate-form" className="space-y-3">
          <h2 id="regenerate-form" className="sr-only">
            {t("form.submit")}
          </h2>
          <p className="text-sm text-slate-600">{t("intro")}</p>
          <p className="text-sm font-medium" data-testid="regeneration-quota">
            {t("quota.free", { left: quota.freeLeft, total: quota.free })}
            {quota.boughtLeft ? ` · ${t("quota.bought", { number: quota.boughtLeft })}` : ""}
          </p>
          {left > 0 ? (
            <Form method="post" className="space-y-2">
              <input type="hidden" name="intent" value="regenerate" />
              <label htmlFor="instruction" className="block text-sm font-medium">
                {t("form.instruction")}
              </label>
              <textarea
                id="instruction"
                name="instruction"
                required
                minLength={3}
                maxLength={MAX_REGENERATION_INSTRUCTION}
                rows={3}
                placeholder={t("form.placeholder")}
                aria-describedby="instruction-hint"
                className="block w-full rounded-md border border-slate-300 p-2 text-sm"
              />
              <p id="instruction-hint" className="text-xs text-slate-500">
                {t("form.hint")}
              </p>
              <Button type="submit" disabled={busy}>
                {t("form.submit")}
              </Button>
            </Form>
          ) : purchase ? (
            <Form method="post" className="space-y-2">
              <input type="hidden" name="intent" value="buy" />
              <p className="text-sm">{t("buy.offer", { price })}</p>
              <Button type="submit" disabled={busy}>
                {t("buy.button")}
              </Button>
            </Form>
          ) : (
            <p role="status" className="text-sm text-slate-700">
              {t("buy.off")}
            </p>
          )}
        </section>
      ) : null}
    </article>
  );
}
