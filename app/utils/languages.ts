// Languages an order can be written in, with the words a standard page holds (A4, 12 pt, 1.5 spacing).
export const LANGUAGES = {
  en: { label: "English", wordsPerPage: 275 },
  uk: { label: "Українська", wordsPerPage: 250 },
  it: { label: "Italiano", wordsPerPage: 265 },
  ru: { label: "Русский", wordsPerPage: 250 },
  de: { label: "Deutsch", wordsPerPage: 250 },
  fr: { label: "Français", wordsPerPage: 270 },
  es: { label: "Español", wordsPerPage: 270 },
  pl: { label: "Polski", wordsPerPage: 250 },
} as const;

export type LanguageCode = keyof typeof LANGUAGES;
export const LANGUAGE_CODES = Object.keys(LANGUAGES) as [LanguageCode, ...LanguageCode[]];

export function wordsPerPage(language: string): number {
  return LANGUAGES[language as LanguageCode]?.wordsPerPage ?? 275;
}
