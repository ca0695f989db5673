import { useTranslation } from "react-i18next";

const FORMATS = [
  { format: "bib", name: "BibTeX" },
  { format: "ris", name: "RIS" },
  { format: "json", name: "CSL-JSON" },
] as const;

/**
 * The delivered document's bibliography as files for Zotero, Mendeley or EndNote, beside the DOCX and PDF; a text that
 * cites nothing says so instead of offering empty files.
 */
export function BibliographyDownloads({ documentId, citesSources }: { documentId: string; citesSources: boolean }) {
  const { t } = useTranslation("references");
  if (!citesSources) return <span className="text-sm text-slate-600">{t("download.none")}</span>;
  return (
    <span className="flex items-center gap-2 text-sm" title={t("download.hint")}>
      <span className="text-slate-600">{t("download.label")}</span>
      {FORMATS.map(({ format, name }) => (
        <a
          key={format}
          href={`/documents/${documentId}/bibliography/${format}`}
          className="text-brand-700 underline"
          download
          aria-label={t("download.formatLabel", { format: name })}
        >
          {name}
        </a>
      ))}
    </span>
  );
}
