import { createInstance } from "i18next";
import { NAMESPACES } from "./locales";
import { i18nOptions } from "./options";
import { resources } from "./resources.server";

// Every namespace of every language in one i18next instance for code that words a text without waiting (refusals'
// English messages, the DOCX/PDF labels). The resources are bundled, so initialisation finishes synchronously.
const serverTexts = createInstance();
void serverTexts.init({ ...i18nOptions, ns: [...NAMESPACES], resources, initImmediate: false });

/** A translator for `locale`, ready at once: any namespace by its prefix ("orders:…"). */
export function fixedTexts(locale: string) {
  return serverTexts.getFixedT(locale);
}

/** A translator for `locale` whose keys are `namespace`'s, ready at once. */
export function fixedNamespaceTexts(locale: string, namespace: (typeof NAMESPACES)[number]) {
  return serverTexts.getFixedT(locale, namespace);
}
