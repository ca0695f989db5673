// Languages an order can be written in, with the words a standard page holds (A4, 12 pt DejaVu Serif, 1.5 spacing,
// 2.5 cm margins) as measured by rendering word-budgeted prose (worker/export/layout.ts says how).
export const LANGUAGES = {
  en: { label: "English", wordsPerPage: 315 },
  uk: { label: "Українська", wordsPerPage: 240 },
  it: { label: "Italiano", wordsPerPage: 315 },
  ru: { label: "Русский", wordsPerPage: 225 },
  de: { label: "Deutsch", wordsPerPage: 255 },
  fr: { label: "Français", wordsPerPage: 305 },
  es: { label: "Español", wordsPerPage: 330 },
  pl: { label: "Polski", wordsPerPage: 255 },
} as const;

export type LanguageCode = keyof typeof LANGUAGES;
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as [LanguageCode, ...LanguageCode[]];

export function wordsPerPage(language: string): number {
  return LANGUAGES[language as LanguageCode]?.wordsPerPage ?? LANGUAGES.en.wordsPerPage;
}
