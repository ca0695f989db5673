// The offline demo writer's words, one table per order language; the English one is the type the others must match.
import type { LanguageCode } from "../../../app/utils/catalog";
import { de } from "./de";
import { en, type OfflineTexts } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { it } from "./it";
import { pl } from "./pl";
import { ru } from "./ru";
import { uk } from "./uk";

export type { OfflineTexts } from "./en";

export const OFFLINE_TEXTS: Record<LanguageCode, OfflineTexts> = { en, uk, it, ru, de, fr, es, pl };

/** The table of the order's language ("uk", "uk-UA"); English for a language we do not write in. */
export function offlineTexts(language: string): OfflineTexts {
  const code = language.trim().toLowerCase().split(/[-_]/)[0];
  return OFFLINE_TEXTS[code as LanguageCode] ?? en;
}
