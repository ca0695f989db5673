import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { useLocale } from "remix-i18next/react";
import { formatNumber } from "~/utils/format";

export type DocumentTextView = {
  outline: Array<{ heading: string; part: number; anchor: string }>;
  part: { number: number; total: number; sections: Array<{ heading: string; anchor: string; paragraphs: string[] }> };
};

const partHref = (number: number, anchor = "document-text") => `?part=${number}#${anchor}`;

/**
 * The delivered text read in parts: the outline (every heading, a link to the part that holds it), one part in full,
 * and plain links to the parts before and after it, which work without a script.
 */
export function DocumentText({ topic, language, text }: { topic: string; language: string; text: DocumentTextView }) {
  const { t } = useTranslation("documents");
  const locale = useLocale();
  const { part } = text;
  const total = formatNumber(part.total, locale);
  const ofTotal = (number: number) => t("parts.partOf", { part: formatNumber(number, locale), total });
  return (
    <>
      <nav
        aria-labelledby="outline-heading"
        className="rounded-lg border border-slate-200 bg-white p-5 text-sm"
        data-testid="document-outline"
      >
        <h2 id="outline-heading" className="font-semibold">
          {t("parts.outline")}
        </h2>
        <ol className="mt-2 space-y-1" lang={language}>
          {text.outline.map((entry) => {
            const current = entry.part === part.number;
            return (
              <li key={entry.anchor} className={current ? "border-l-2 border-brand-600 pl-2" : "pl-2.5"}>
                <Link
                  to={partHref(entry.part, entry.anchor)}
                  className={current ? "font-semibold text-slate-900" : "text-brand-700 underline"}
                  aria-current={current ? "location" : undefined}
                >
                  {entry.heading}
                </Link>
                {current && part.total > 1 ? (
                  <span className="ml-2 text-xs text-slate-500" lang={locale}>
                    {t("parts.reading")}
                  </span>
                ) : null}
              </li>
            );
          })}
        </ol>
      </nav>

      <div
        id="document-text"
        className="rounded-lg border border-slate-200 bg-white p-8"
        data-testid="document-text"
        lang={language}
      >
        <h2 className="text-center text-2xl font-bold">{topic}</h2>
        {part.total > 1 ? (
          <p className="mt-2 text-center text-sm text-slate-500" lang={locale}>
            {ofTotal(part.number)}
          </p>
        ) : null}
        {part.sections.map((s) => (
          <section key={s.anchor} id={s.anchor} className="mt-8">
            <h3 className="text-xl font-semibold">{s.heading}</h3>
            {s.paragraphs.map((p, i) => (
              <p key={i} className="mt-3 leading-relaxed text-slate-800">
                {p}
              </p>
            ))}
          </section>
        ))}
      </div>

      {part.total > 1 ? (
        <nav aria-label={t("parts.pagerLabel")} className="flex flex-wrap items-center justify-between gap-3 text-sm">
          {part.number > 1 ? (
            <Link to={partHref(part.number - 1)} rel="prev" className="text-brand-700 underline">
              {t("parts.previous", { part: ofTotal(part.number - 1) })}
            </Link>
          ) : (
            <span />
          )}
          <span className="text-slate-600">{ofTotal(part.number)}</span>
          {part.number < part.total ? (
            <Link to={partHref(part.number + 1)} rel="next" className="text-brand-700 underline">
              {t("parts.next", { part: ofTotal(part.number + 1) })}
            </Link>
          ) : (
            <span />
          )}
        </nav>
      ) : null}
    </>
  );
}
