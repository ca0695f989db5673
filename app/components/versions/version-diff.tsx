// One version's text against the current text, section by section: changed sections show their words added (<ins>)
// and removed (<del>), named for screen readers and marked by underline and strike-through, not by colour alone;
// unchanged sections are folded away.
import { useTranslation } from "react-i18next";
import type { DiffPart, SectionDiff } from "../../utils/version-diff.server";

function Part({ part }: { part: DiffPart }) {
  const { t } = useTranslation("versions");
  if (part.kind === "added")
    return (
      <ins className="bg-emerald-50 text-emerald-900 underline decoration-2">
        <span className="sr-only">{t("version.added")} </span>
        {part.text}
      </ins>
    );
  if (part.kind === "removed")
    return (
      <del className="bg-red-50 text-red-900 line-through decoration-2">
        <span className="sr-only">{t("version.removed")} </span>
        {part.text}
      </del>
    );
  return <>{part.text}</>;
}

export function VersionDiff({ sections }: { sections: SectionDiff[] }) {
  const { t } = useTranslation("versions");
  return (
    <div className="space-y-4">
      {sections.map((section) =>
        section.change === "unchanged" ? (
          <details
            key={section.index}
            className="rounded-lg border border-slate-200 bg-white p-4"
            data-testid="section-unchanged"
          >
            <summary className="cursor-pointer font-semibold">
              {t("version.showText", { heading: section.heading })}
            </summary>
            <p className="mt-2 whitespace-pre-wrap text-slate-700">{section.parts.map((p) => p.text).join("")}</p>
          </details>
        ) : (
          <section
            key={section.index}
            aria-labelledby={`section-${section.index}`}
            className="rounded-lg border border-amber-200 bg-white p-4"
            data-testid="section-changed"
          >
            <h2 id={`section-${section.index}`} className="font-semibold">
              {section.heading}
            </h2>
            <p className="mt-2 whitespace-pre-wrap">
              {section.parts.map((part, i) => (
                <Part key={i} part={part} />
              ))}
            </p>
          </section>
        ),
      )}
    </div>
  );
}
