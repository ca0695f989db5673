import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { SectionEditor } from "~/components/section-editor";
import type { SaveState } from "~/components/use-section-autosave";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { getDocumentForEditing } from "~/models/document-editing.server";
import { getDb } from "~/utils/db.server";
import { invariantResponse } from "~/utils/invariant";
import { requireUser } from "~/utils/session-cookie.server";

// The editor's texts come with this page only.
export const handle = { i18n: ["editing"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  const document = await getDocumentForEditing(getDb(), params.id ?? "", user.id);
  invariantResponse(document, t("documents:errors.notFound"), { status: 404 });
  if (!document.editable) throw Response.json({ error: t("editing:notEditable") }, { status: 409 });
  return {
    title: t("editing:metaTitle", { topic: document.topic }),
    document: { id: document.id, topic: document.topic, language: document.language },
    sections: document.sections,
    sources: document.sources.map((s) => ({ key: s.key, label: [s.title, s.year].filter(Boolean).join(", ") })),
  };
}

/** The page's one line: the worst of its sections' states. */
const PAGE_STATES = ["conflict", "error", "offline", "saving", "unsaved", "saved"] as const;
type PageState = (typeof PAGE_STATES)[number];

function pageStateOf(state: SaveState): PageState {
  if (state.kind === "broken") return "error";
  if (state.kind === "retrying") return "offline";
  return state.kind;
}

/** How often the page looks again while a section's scores are being checked. */
const SCORES_POLL_MS = 5000;

export default function EditDocumentPage() {
  const { document, sections, sources } = useLoaderData<typeof loader>();
  const { t } = useTranslation("editing");
  const revalidator = useRevalidator();
  const [states, setStates] = useState<Record<number, PageState>>({});
  const onState = useCallback(
    (index: number, state: SaveState) => setStates((all) => ({ ...all, [index]: pageStateOf(state) })),
    [],
  );
  const [scoresStale, setScoresStale] = useState(false);
  const onSaved = useCallback(() => setScoresStale(true), []);
  const pageState = PAGE_STATES.find((state) => Object.values(states).includes(state)) ?? "saved";
  // While saves fail the server is not asked for scores either: a failed reload of the page would replace the editor.
  const checking = (scoresStale || sections.some((s) => s.beingChecked)) && pageState !== "offline";
  // The gates score an edited section in the background: look again until every section's scores are up to date.
  useEffect(() => {
    if (!checking) return;
    const timer = setInterval(() => {
      if (revalidator.state !== "idle" || !navigator.onLine) return;
      setScoresStale(false);
      revalidator.revalidate();
    }, SCORES_POLL_MS);
    return () => clearInterval(timer);
  }, [checking, revalidator]);
  // React resets a text box's content when the page's scripts start: tests (and readers) can tell when they have.
  const [started, setStarted] = useState(false);
  useEffect(() => setStarted(true), []);
  const sourceLabels = useMemo(() => new Map(sources.map((s) => [s.key, s.label])), [sources]);
  return (
    <article className="space-y-6" data-editor-started={started}>
      <div>
        <Link to={`/documents/${document.id}`} className="text-sm text-brand-700 underline">
          {t("back")}
        </Link>
        <div className="mt-2 flex flex-wrap items-baseline gap-3">
          <h1 className="mr-auto text-2xl font-bold">{t("title")}</h1>
          <Link to={`/documents/${document.id}/versions`} className="text-sm text-brand-700 underline">
            {t("versions")}
          </Link>
        </div>
        <p className="mt-1 font-semibold">{document.topic}</p>
        <p className="mt-2 text-sm text-slate-600">{t("intro")}</p>
      </div>
      <p
        role="status"
        aria-live="polite"
        data-testid="page-state"
        data-state={pageState}
        className="sticky top-0 z-10 rounded-md border border-slate-200 bg-white/90 p-2 text-sm"
      >
        {t(`pageState.${pageState}`)}
      </p>
      {sections.map((section) => (
        <SectionEditor
          key={section.index}
          documentId={document.id}
          section={section}
          sources={sourceLabels}
          onState={onState}
          onSaved={onSaved}
        />
      ))}
    </article>
  );
}
