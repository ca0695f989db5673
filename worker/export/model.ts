// The one document model the DOCX and PDF renderers both take, with the few labels they print, per language.
import { LANGUAGES, type LanguageCode } from "../../app/utils/catalog";

export type ExportSection = { heading: string; level: 1 | 2; paragraphs: string[] };

export type ExportBibliography = { heading: string; entries: string[] };

export type ExportDocument = {
  title: string;
  author: string | null;
  institution: string | null;
  date: Date;
  language: LanguageCode;
  kindLabel: string;
  sections: ExportSection[];
  /** Entries already formatted in the order's citation style; null when the document has no sources. */
  bibliography: ExportBibliography | null;
  /** Shown instead of a bibliography when the document has no sources. */
  noSourcesNote: string | null;
  /** Written by the offline demo writer: the title page says so. */
  offlineDemo: boolean;
};

export type ExportLabels = {
  /** BCP 47 tag: Word's proofing language, the PDF's /Lang, date formatting. */
  locale: string;
  contents: string;
  page: string;
  references: string;
  noSources: string;
  offlineDemo: string;
  offlineDemoNote: string;
  kinds: Record<string, string>;
};

export const EXPORT_LABELS: Record<LanguageCode, ExportLabels> = {
  en: {
    locale: "en-GB",
    contents: "Contents",
    page: "Page",
    references: "References",
    noSources: "This document has no references: no scholarly source could be reached when it was written.",
    offlineDemo: "Offline demo",
    offlineDemoNote:
      "Written by the offline demo writer without an AI provider: placeholder text, not an academic work.",
    kinds: {
      essay: "Essay",
      term_paper: "Term paper",
      bachelor_thesis: "Bachelor thesis",
      master_thesis: "Master thesis",
      book_chapter: "Book chapter",
      literature_review: "Literature review",
    },
  },
  uk: {
    locale: "uk-UA",
    contents: "Зміст",
    page: "Сторінка",
    references: "Список використаних джерел",
    noSources:
      "Цей документ не має списку джерел: під час його написання не вдалося отримати жодного наукового джерела.",
    offlineDemo: "Офлайн-демо",
    offlineDemoNote: "Написано офлайн-демо без постачальника ШІ: текст-заповнювач, а не наукова праця.",
    kinds: {
      essay: "Есе",
      term_paper: "Курсова робота",
      bachelor_thesis: "Бакалаврська робота",
      master_thesis: "Магістерська робота",
      book_chapter: "Розділ книги",
      literature_review: "Огляд літератури",
    },
  },
  it: {
    locale: "it-IT",
    contents: "Indice",
    page: "Pagina",
    references: "Bibliografia",
    noSources:
      "Questo documento non ha riferimenti bibliografici: nessuna fonte scientifica era raggiungibile quando è stato scritto.",
    offlineDemo: "Demo offline",
    offlineDemoNote: "Scritto dalla demo offline senza un fornitore di IA: testo segnaposto, non un lavoro accademico.",
    kinds: {
      essay: "Saggio",
      term_paper: "Tesina",
      bachelor_thesis: "Tesi di laurea triennale",
      master_thesis: "Tesi di laurea magistrale",
      book_chapter: "Capitolo di libro",
      literature_review: "Rassegna della letteratura",
    },
  },
  ru: {
    locale: "ru-RU",
    contents: "Содержание",
    page: "Страница",
    references: "Список литературы",
    noSources:
      "В этом документе нет списка литературы: во время его написания не удалось получить ни одного научного источника.",
    offlineDemo: "Офлайн-демо",
    offlineDemoNote: "Написано офлайн-демо без поставщика ИИ: текст-заполнитель, а не научная работа.",
    kinds: {
      essay: "Эссе",
      term_paper: "Курсовая работа",
      bachelor_thesis: "Бакалаврская работа",
      master_thesis: "Магистерская диссертация",
      book_chapter: "Глава книги",
      literature_review: "Обзор литературы",
    },
  },
  de: {
    locale: "de-DE",
    contents: "Inhaltsverzeichnis",
    page: "Seite",
    references: "Literaturverzeichnis",
    noSources:
      "Dieses Dokument hat kein Literaturverzeichnis: Beim Schreiben war keine wissenschaftliche Quelle erreichbar.",
    offlineDemo: "Offline-Demo",
    offlineDemoNote:
      "Von der Offline-Demo ohne KI-Anbieter geschrieben: Platzhaltertext, keine wissenschaftliche Arbeit.",
    kinds: {
      essay: "Essay",
      term_paper: "Hausarbeit",
      bachelor_thesis: "Bachelorarbeit",
      master_thesis: "Masterarbeit",
      book_chapter: "Buchkapitel",
      literature_review: "Literaturübersicht",
    },
  },
  fr: {
    locale: "fr-FR",
    contents: "Table des matières",
    page: "Page",
    references: "Bibliographie",
    noSources:
      "Ce document n'a pas de bibliographie\u00a0: aucune source scientifique n'était accessible lors de sa rédaction.",
    offlineDemo: "Démo hors ligne",
    offlineDemoNote:
      "Écrit par la démo hors ligne sans fournisseur d'IA\u00a0: texte de remplissage, pas un travail universitaire.",
    kinds: {
      essay: "Essai",
      term_paper: "Mémoire de semestre",
      bachelor_thesis: "Mémoire de licence",
      master_thesis: "Mémoire de master",
      book_chapter: "Chapitre d'ouvrage",
      literature_review: "Revue de la littérature",
    },
  },
  es: {
    locale: "es-ES",
    contents: "Índice",
    page: "Página",
    references: "Bibliografía",
    noSources: "Este documento no tiene referencias: no se pudo acceder a ninguna fuente académica cuando se redactó.",
    offlineDemo: "Demo sin conexión",
    offlineDemoNote:
      "Escrito por la demo sin conexión, sin proveedor de IA: texto de relleno, no un trabajo académico.",
    kinds: {
      essay: "Ensayo",
      term_paper: "Trabajo de curso",
      bachelor_thesis: "Trabajo de fin de grado",
      master_thesis: "Trabajo de fin de máster",
      book_chapter: "Capítulo de libro",
      literature_review: "Revisión de la literatura",
    },
  },
  pl: {
    locale: "pl-PL",
    contents: "Spis treści",
    page: "Strona",
    references: "Bibliografia",
    noSources:
      "Ten dokument nie ma bibliografii: podczas jego pisania nie udało się dotrzeć do żadnego źródła naukowego.",
    offlineDemo: "Demo offline",
    offlineDemoNote: "Napisane przez demo offline bez dostawcy AI: tekst zastępczy, a nie praca naukowa.",
    kinds: {
      essay: "Esej",
      term_paper: "Praca semestralna",
      bachelor_thesis: "Praca licencjacka",
      master_thesis: "Praca magisterska",
      book_chapter: "Rozdział książki",
      literature_review: "Przegląd literatury",
    },
  },
};

export function isLanguageCode(code: string): code is LanguageCode {
  return Object.hasOwn(LANGUAGES, code);
}

/** The labels of a language; an unknown code gets English. */
export function labelsFor(language: string): ExportLabels {
  return isLanguageCode(language) ? EXPORT_LABELS[language] : EXPORT_LABELS.en;
}

/** The date as the title page prints it, e.g. "21 November 2026", "21 листопада 2026 р.". */
export function formatTitleDate(date: Date, language: string): string {
  return new Intl.DateTimeFormat(labelsFor(language).locale, {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** A section's stored text as paragraphs: blank lines separate them, single line breaks are spaces. */
export function paragraphsOf(content: string): string[] {
  return content
    .split(/\r?\n\s*\r?\n/)
    .map((p) => p.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

export type ExportInput = {
  title: string;
  author?: string | null;
  institution?: string | null;
  date: Date;
  language: string;
  /** Our kind code (`bachelor_thesis`); its label is printed in the document's language. */
  kind: string;
  sections: { heading: string; level?: 1 | 2; content: string }[];
  /** Formatted entries; empty means the document has no sources. */
  bibliography: string[];
  offlineDemo: boolean;
};

/** Builds the model from what the pipeline stores: labels, the bibliography heading and the no-sources note per language. */
export function createExportDocument(input: ExportInput): ExportDocument {
  const language = isLanguageCode(input.language) ? input.language : "en";
  const labels = EXPORT_LABELS[language];
  const hasSources = input.bibliography.length > 0;
  return {
    title: input.title,
    author: input.author?.trim() || null,
    institution: input.institution?.trim() || null,
    date: input.date,
    language,
    kindLabel: labels.kinds[input.kind] ?? EXPORT_LABELS.en.kinds[input.kind] ?? input.kind,
    sections: input.sections.map((s) => ({
      heading: s.heading,
      level: s.level ?? 1,
      paragraphs: paragraphsOf(s.content),
    })),
    bibliography: hasSources ? { heading: labels.references, entries: input.bibliography } : null,
    noSourcesNote: hasSources ? null : labels.noSources,
    offlineDemo: input.offlineDemo,
  };
}
