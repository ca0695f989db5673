import { createInstance } from "i18next";
import { NAMESPACES } from "./locales";
import { i18nOptions } from "./options";
import { resources } from "./resources.server";

// Every namespace of every language in one i18next instance for code that words a text without waiting (refusals'
// English messages, the DOCX/PDF labels). The resources are bundled, so initialisation finishes synchronously.
const serverTexts = createInstance();
void serverTexts.init({ ...i18nOptions, ns: [...NAMESPACES], resources, initImmediate: false });

const translators = new Map<string, ReturnType<typeof serverTexts.getFixedT<"common">>>();

/** A translator for `locale`, ready at once (made once per language): any namespace by its prefix ("orders:…"). */
export function fixedTexts(locale: string) {
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = serverTexts.getFixedT(locale)));
  return t;
}

/** A translator for `locale` whose keys are `namespace`'s, ready at once. */
export function fixedNamespaceTexts(locale: string, namespace: (typeof NAMESPACES)[number]) {
  return serverTexts.getFixedT(locale, namespace);
}
