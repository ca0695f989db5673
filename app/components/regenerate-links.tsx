import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

/** A delivered document's sections, each a link to its regeneration page (issue 21). */
export function RegenerateLinks({
  documentId,
  sections,
}: {
  documentId: string;
  sections: { index: number; heading: string }[];
}) {
  const { t } = useTranslation("regeneration");
  return (
    <details className="rounded-md border border-slate-200 bg-white p-4 text-sm">
      <summary className="cursor-pointer font-semibold">{t("link")}</summary>
      <ul className="mt-2 space-y-1">
        {sections.map((s) => (
          <li key={s.index}>
            <Link to={`/documents/${documentId}/sections/${s.index}/regenerate`} className="text-brand-700 underline">
              {t("linkSection", { number: s.index + 1, heading: s.heading })}
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}
