// Text helpers shared by the clients, the merge and the assignment: folding, title keys, tokens, markup stripping.

const SPECIAL_LETTERS: Record<string, string> = {
  ß: "ss",
  æ: "ae",
  œ: "oe",
  ø: "o",
  ł: "l",
  đ: "d",
  ð: "d",
  þ: "th",
  ı: "i",
  ŀ: "l",
  ħ: "h",
};

// A plain transliteration (close to the scholarly/ISO 9 style, no diacritics) for Russian and Ukrainian names.
const CYRILLIC: Record<string, string> = {
  а: "a",
  б: "b",
  в: "v",
  г: "g",
  ґ: "g",
  д: "d",
  е: "e",
  ё: "e",
  є: "ye",
  ж: "zh",
  з: "z",
  и: "i",
  і: "i",
  ї: "yi",
  й: "y",
  к: "k",
  л: "l",
  м: "m",
  н: "n",
  о: "o",
  п: "p",
  р: "r",
  с: "s",
  т: "t",
  у: "u",
  ф: "f",
  х: "kh",
  ц: "ts",
  ч: "ch",
  ш: "sh",
  щ: "shch",
  ъ: "",
  ы: "y",
  ь: "",
  э: "e",
  ю: "yu",
  я: "ya",
};

/** Lower-case with accents removed ("Ñúñez" → "nunez"); other scripts are kept (Cyrillic stays Cyrillic). */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .replace(/[ßæœøłđðþıŀħ]/g, (c) => SPECIAL_LETTERS[c] ?? c)
    .normalize("NFC");
}

/** ASCII letters only, for citation keys: "Müller-Lüdenscheidt" → "mullerludenscheidt", "Іваненко" → "ivanenko". */
export function asciiLetters(text: string): string {
  // Transliterate before folding: NFKD would turn "й" into "и" + breve and lose the difference.
  const transliterated = Array.from(text.toLowerCase(), (c) => CYRILLIC[c] ?? c).join("");
  return foldText(transliterated).replace(/[^a-z]/g, "");
}

/** The title as compared for duplicates: folded, punctuation removed, whitespace collapsed. */
export function normaliseTitle(title: string): string {
  return foldText(stripMarkup(title))
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Removes XML/HTML tags (JATS in Crossref abstracts, <i> in titles) and decodes the common entities. */
export function stripMarkup(text: string): string {
  return text
    .replace(/<[^>]*>/g, " ")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, entity: string) => {
      if (entity[0] === "#") {
        const code =
          entity[1] === "x" || entity[1] === "X" ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return ENTITIES[entity.toLowerCase()] ?? whole;
    })
    .replace(/\s+/g, " ")
    .trim();
}

// Function words of the order languages (en, it, es, fr, de, pl, ru, uk) plus words every academic text uses:
// they would make every source look relevant to every section.
const STOPWORDS = new Set(
  `
  the and for with from that this these those into onto upon about between among within without over under than then
  their there where which while what when who whom whose how why are was were been being have has had not but its our
  your they them such also can could may might must shall should will would more most less least very other some any
  each both only same own per via across after before during through toward towards using used use based new
  study studies analysis review research approach approaches case introduction conclusion conclusions chapter section
  part overview perspective perspectives role impact effects effect evidence issues issue aspects theory theoretical
  della delle degli dello dei del nel nella nelle negli sul sulla sulle con per tra fra che chi cui non una uno gli
  come anche più dal dalla dalle dai alla alle agli allo questo questa questi queste quello quella sono essere loro
  studio analisi ruolo caso introduzione conclusione conclusioni capitolo parte
  los las les una unos unas del con por para entre sobre sin que como más sus este esta estos estas ese esa son ser
  estudio análisis papel caso introducción conclusión conclusiones capítulo
  des les une aux avec pour par sur dans entre sans que qui quoi comme plus leur leurs cette ces est sont être
  étude analyse rôle cas chapitre
  der die das den dem des ein eine einer eines einem einen und oder mit für von zum zur bei aus auf über unter nach vor
  ist sind wird werden nicht auch als wie dass sich ihre ihr studie analyse rolle fall einleitung einführung fazit kapitel
  oraz jest są się nie jak jako dla przez przy pod nad bez lub czy ich jego jej tego tej ten ta to które który która
  analiza studium rola przypadek wstęp zakończenie wnioski rozdział
  и в во не что как для на по из от до при без над под это эти его ее их или также так который которая которые
  анализ исследование роль введение заключение выводы глава
  та що як для на по від до при без над під це ці його її їх або також який яка які
  аналіз дослідження роль вступ висновки розділ
  `
    .split(/\s+/)
    .filter(Boolean)
    .map(foldText),
);

const STEM_LENGTH = 5;

/**
 * Content-word stems: folded words of 3+ letters that are not stop words, cut to their first 5 letters. Crude, but
 * it matches plurals and derivations ("policy"/"policies", "educational"/"education") and, often, cognates across
 * languages ("educazione"/"education").
 */
export function contentStems(text: string): string[] {
  const words = foldText(stripMarkup(text)).split(/[^\p{L}\p{N}]+/u);
  const stems: string[] = [];
  for (const word of words) {
    if (word.length < 3 || STOPWORDS.has(word) || /^\d+$/.test(word)) continue;
    // By code point: a letter outside the BMP is one letter.
    stems.push(Array.from(word).slice(0, STEM_LENGTH).join(""));
  }
  return stems;
}

/** The words of `text` that carry meaning, in their original form and order (for building search queries). */
export function contentWords(text: string): string[] {
  return text.split(/[^\p{L}\p{N}'-]+/u).filter((word) => word.length >= 3 && !STOPWORDS.has(foldText(word)));
}
