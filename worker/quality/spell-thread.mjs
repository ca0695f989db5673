// The retext spell and repetition checks, in a worker thread: building a Hunspell dictionary takes seconds and
// hundreds of MB (Ukrainian ≈ 10 s, 750 MB), which must not stall the process that also serves pages and runs jobs.
// Plain JavaScript so it starts under any loader (tsx, vitest, node). Messages: see grammar.ts (SpellRequest).
import { parentPort } from "node:worker_threads";
import retextEnglish from "retext-english";
import retextLatin from "retext-latin";
import retextRepeatedWords from "retext-repeated-words";
import retextSpell from "retext-spell";
import { unified } from "unified";
import { americanForms } from "./british-spellings.mjs";

/**
 * Dictionaries that nspell (inside retext-spell) reads correctly. Not here: `de` (nspell lacks the compounding
 * dictionary-de relies on, so it flags "erhalten" and "Kohlenstoff") and `it` (nspell never finishes loading it,
 * wooorm/nspell#9 and #11). Those languages get no score rather than a wrong one.
 */
const DICTIONARIES = {
  en: () => import("dictionary-en"),
  es: () => import("dictionary-es"),
  fr: () => import("dictionary-fr"),
  pl: () => import("dictionary-pl"),
  ru: () => import("dictionary-ru"),
  uk: () => import("dictionary-uk"),
};
/** Dictionaries kept in memory at once; the least recently used goes first. */
const MAX_LOADED = 3;

/** @type {Map<string, Promise<import("unified").Processor<any, any, any, any, string>>>} */
const processors = new Map();

function processorFor(language) {
  let processor = processors.get(language);
  if (processor) {
    processors.delete(language);
    processors.set(language, processor);
    return processor;
  }
  processor = DICTIONARIES[language]().then(({ default: dictionary }) => {
    const parser = language === "en" ? retextEnglish : retextLatin;
    const built = unified()
      .use(parser)
      // Suggestions cost up to ~0.2 s a word and retext-spell caches them for the process' life: named words suffice.
      .use(retextSpell, { dictionary, max: 1 })
      .use(retextRepeatedWords)
      .use(function compileNothing() {
        this.compiler = () => "";
      })
      .freeze();
    built.processSync("warm up");
    return built;
  });
  processor.catch(() => processors.delete(language));
  processors.set(language, processor);
  while (processors.size > MAX_LOADED) processors.delete(processors.keys().next().value);
  return processor;
}

function offsetOf(place) {
  return place?.start?.offset ?? place?.offset ?? 0;
}

/** Whether `node` is the first word of its sentence (a capitalised word elsewhere is taken for a proper name). */
function isSentenceInitial(ancestors) {
  const [sentence, node] = ancestors ?? [];
  const first = sentence?.children?.find((child) => child.type === "WordNode");
  return first === node;
}

async function check(language, text) {
  const processor = await processorFor(language);
  // Synchronous: one check runs from start to end before the next message's. process() would interleave every waiting
  // check, so when a document's sections arrive together all of them would answer only once the last one was done.
  const file = processor.processSync(text);
  const issues = file.messages
    .filter((m) => m.actual && m.ruleId !== "overflow")
    .map((m) => ({
      kind: m.source === "retext-repeated-words" ? "repetition" : "spelling",
      actual: String(m.actual),
      start: offsetOf(m.place),
      sentenceInitial: isSentenceInitial(m.ancestors),
      british: false,
    }));
  if (language === "en") markBritish(processor, issues);
  return issues;
}

/** Marks the English spelling issues whose American form the dictionary knows ("analysed"), in the same request. */
function markBritish(processor, issues) {
  const candidates = issues.filter((i) => i.kind === "spelling").map((issue) => ({ issue, forms: americanForms(issue.actual) }));
  const forms = [...new Set(candidates.flatMap((c) => c.forms))];
  if (!forms.length) return;
  // Each form on its own line: what the dictionary flags is unknown.
  const file = processor.processSync(forms.join("\n\n"));
  const unknown = new Set(file.messages.filter((m) => m.source === "retext-spell").map((m) => String(m.actual)));
  for (const { issue, forms: own } of candidates) issue.british = own.some((f) => !unknown.has(f));
}

parentPort?.on("message", async (request) => {
  try {
    if (!(request.language in DICTIONARIES)) throw new Error(`No dictionary for "${request.language}"`);
    parentPort.postMessage({ id: request.id, issues: await check(request.language, request.text) });
  } catch (error) {
    parentPort.postMessage({ id: request.id, error: error instanceof Error ? error.message : String(error) });
  }
});
