import { Link } from "@remix-run/react";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { Score } from "~/components/score";
import type { EditableSection } from "~/models/document-editing.server";
import { useSectionAutosave, type SaveState } from "~/components/use-section-autosave";
import { citedKeys } from "~/utils/citations";
import { intlTag } from "~/utils/format";

// One delivered section in the editor: its heading, its text (a textarea: markers stay plain text, checked before a
// save), the chips of the sources it cites, its gate scores, its save state and, after a clash, the choice of text.

type Props = {
  documentId: string;
  section: EditableSection;
  sources: Map<string, string>;
  onState: (index: number, state: SaveState) => void;
  onSaved: () => void;
};

export function SectionEditor({ documentId, section, sources, onState, onSaved }: Props) {
  const { t } = useTranslation(["editing", "documents"]);
  const initial = { content: section.content, revision: section.revision };
  const { content, state, edit, loadTheirs, keepMine, saveNow } = useSectionAutosave(
    documentId,
    section.index,
    initial,
  );
  useEffect(() => onState(section.index, state), [section.index, state, onState]);
  const savedAt = state.kind === "saved" ? state.at : null;
  useEffect(() => {
    if (savedAt) onSaved();
  }, [savedAt, onSaved]);
  const textId = `section-text-${section.index}`;
  const stateId = `section-state-${section.index}`;
  const keys = citedKeys(content);
  return (
    <section
      id={`section-${section.index}`}
      aria-labelledby={`section-heading-${section.index}`}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4"
      data-testid="section-editor"
    >
      <div className="flex flex-wrap items-baseline gap-3">
        <h2 id={`section-heading-${section.index}`} className="mr-auto text-lg font-semibold">
          {section.heading}
        </h2>
        <Link
          to={`/documents/${documentId}/sections/${section.index}/regenerate`}
          className="text-sm text-brand-700 underline"
        >
          {t("section.regenerate")}
        </Link>
      </div>
      <form method="post" action={`/documents/${documentId}/sections/${section.index}`} encType="multipart/form-data">
        <label htmlFor={textId} className="sr-only">
          {t("section.textLabel", { number: section.index + 1, heading: section.heading })}
        </label>
        <textarea
          id={textId}
          name="content"
          value={content}
          onChange={(event) => edit(event.target.value)}
          onBlur={() => void saveNow()}
          aria-describedby={stateId}
          rows={Math.min(30, Math.max(8, Math.ceil(content.length / 90) + content.split("\n").length))}
          className="w-full rounded-md border border-slate-300 p-3 font-serif leading-relaxed"
        />
        <input type="hidden" name="revision" value={section.revision} />
        {/* Without scripts the section is saved by this button; with them, autosave does it and the button hides. */}
        <noscript>
          <button type="submit" className="mt-2 rounded-md border border-slate-300 px-3 py-1 text-sm">
            {t("section.save")}
          </button>
        </noscript>
      </form>
      <SaveStateLine id={stateId} state={state} />
      {state.kind === "conflict" ? (
        <div
          role="alert"
          className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900"
        >
          <p className="font-semibold">{t("conflict.message")}</p>
          <details>
            <summary>{t("conflict.theirs")}</summary>
            <p className="mt-1 whitespace-pre-wrap font-serif">{state.theirs.content}</p>
          </details>
          <div className="flex flex-wrap gap-2">
            <button
              type="button"
              onClick={loadTheirs}
              className="rounded-md border border-slate-300 bg-white px-3 py-1"
            >
              {t("conflict.loadTheirs")}
            </button>
            <button type="button" onClick={keepMine} className="rounded-md bg-brand-600 px-3 py-1 text-white">
              {t("conflict.keepMine")}
            </button>
          </div>
        </div>
      ) : null}
      <div className="text-sm">
        <h3 className="sr-only">{t("section.citations")}</h3>
        {keys.length ? (
          <ul className="flex flex-wrap gap-2" aria-label={t("section.citations")}>
            {keys.map((key) => (
              <li
                key={key}
                data-testid="citation-chip"
                title={sources.get(key) ?? t("section.unknownSource")}
                className={`rounded-full border px-2 py-0.5 font-mono text-xs ${
                  sources.has(key) ? "border-brand-200 bg-brand-50" : "border-red-300 bg-red-50 text-red-800"
                }`}
              >
                @{key}
                {sources.has(key) ? null : <span className="sr-only"> ({t("section.unknownSource")})</span>}
              </li>
            ))}
          </ul>
        ) : (
          <p className="text-slate-500">{t("section.noCitations")}</p>
        )}
      </div>
      <dl className="flex flex-wrap gap-4 text-sm text-slate-600" aria-label={t("section.scores")}>
        {(["uniqueness", "grammar", "ai"] as const).map((kind) => (
          <div key={kind} className="flex gap-1">
            <dt>{t(`documents:scores.${kind}`)}:</dt>
            <dd data-testid={`section-score-${kind}`}>
              {section.beingChecked ? t("section.beingChecked") : <Score kind={kind} value={section.scores[kind]} />}
            </dd>
          </div>
        ))}
      </dl>
      {!section.beingChecked && section.tooShort ? (
        <p className="text-sm text-amber-800" data-testid="section-too-short">
          {t("section.tooShort", section.tooShort)}
        </p>
      ) : null}
    </section>
  );
}

function SaveStateLine({ id, state }: { id: string; state: SaveState }) {
  const { t } = useTranslation("editing");
  const locale = useLocale();
  const text = (() => {
    switch (state.kind) {
      case "saved":
        return state.at
          ? t("state.saved", {
              time: new Intl.DateTimeFormat(intlTag(locale), { timeStyle: "short" }).format(state.at),
            })
          : t("state.unchanged");
      case "broken":
        return t("state.broken", { markers: state.markers.join(", ") });
      case "error":
        return state.message === "signedOut" ? t("state.signedOut") : t("state.error", { message: state.message });
      default:
        return t(`state.${state.kind}`);
    }
  })();
  const bad = state.kind === "broken" || state.kind === "error" || state.kind === "conflict";
  return (
    <p
      id={id}
      role="status"
      data-testid="section-state"
      data-state={state.kind}
      className={`text-sm ${bad ? "text-red-700" : state.kind === "offline" ? "text-amber-700" : "text-slate-500"}`}
    >
      {text}
    </p>
  );
}
