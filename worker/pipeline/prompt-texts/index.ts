// What the writer is told, in the order's language: one table per language, the English one the type the others
// must match, so a string missing in one language fails the typecheck. These are instructions to a model, not
// interface: they do not go through i18next.
import type { LanguageCode } from "../../../app/utils/catalog";
import { de } from "./de";
import { en, type PromptTexts } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { it } from "./it";
import { pl } from "./pl";
import { ru } from "./ru";
import { uk } from "./uk";

export type { PromptTexts } from "./en";
export { tag } from "./tags";

export const PROMPT_TEXTS: Record<LanguageCode, PromptTexts> = { en, uk, it, ru, de, fr, es, pl };

/** The table of the order's language ("uk", "uk-UA"); English for a language we do not write in. */
export function promptTexts(language: string): PromptTexts {
  const code = language.trim().toLowerCase().split(/[-_]/)[0];
  return PROMPT_TEXTS[code as LanguageCode] ?? en;
}

/** The kind of document as the table names it; the code itself for a kind it does not know. */
export function kindName(texts: PromptTexts, kind: string): string {
  return texts.kinds[kind as keyof PromptTexts["kinds"]] ?? kind.replaceAll("_", " ");
}
