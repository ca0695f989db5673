// What the writer is told, in German (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const de: PromptTexts = {
  kinds: {
    essay: "einen Essay",
    term_paper: "eine Hausarbeit",
    bachelor_thesis: "eine Bachelorarbeit",
    master_thesis: "eine Masterarbeit",
    book_chapter: "ein Buchkapitel",
    literature_review: "einen Literaturüberblick",
  },
  outline: {
    system: "Sie sind ein wissenschaftlicher Lektor, der lange Texte plant. Antworten Sie nur mit einem JSON-Objekt:",
    task: (p) =>
      `Planen Sie ${p.kind} zum Thema ${tag("topic", p.topic)}${p.discipline ? ` im Fach ${p.discipline}` : ""}, ` +
      `auf Deutsch geschrieben (${tag("language", p.language)}), Zitierstil ${p.style}.`,
    shape: (count) =>
      `Geben Sie genau ${tag("sections", count)} Abschnitte zurück: der erste ist die Einleitung, der letzte das Fazit. ` +
      "Schreiben Sie Überschriften, Kurzbeschreibungen und Kernpunkte auf Deutsch. " +
      "Jede Kurzbeschreibung sagt in zwei Sätzen, was der Abschnitt darlegen muss; nennen Sie drei bis fünf Kernpunkte je Abschnitt.",
    followRequirements:
      "Folgen Sie den Vorgaben der Kundin oder des Kunden (geforderte Kapitel, Schwerpunkt, Umfang), wo sie zutreffen.",
  },
  requirements: {
    instructions: (text) => `Hinweise der Kundin oder des Kunden: ${tag("instructions", text)}`,
    file: (text) => `Vorgaben aus der Datei der Kundin oder des Kunden: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Sie schreiben einen Abschnitt eines wissenschaftlichen Textes. Schreiben Sie zusammenhängende " +
        "wissenschaftliche Prosa auf Deutsch; keine Überschriften, keine Listen, keine Vorrede.",
      revise:
        "Sie überarbeiten einen Abschnitt eines wissenschaftlichen Textes. Schreiben Sie zusammenhängende " +
        "wissenschaftliche Prosa auf Deutsch; keine Überschriften, keine Listen, keine Vorrede.",
    },
    topic: (topic, language) =>
      `Thema des Textes: ${tag("topic", topic)}. Sprache: Deutsch (${tag("language", language)}).`,
    outline: (outline) => `Gliederung: ${outline}.`,
    task: {
      write: (n, heading, brief) => `Schreiben Sie Abschnitt ${n}, „${heading}“: ${brief}`,
      revise: (n, heading, brief) => `Überarbeiten Sie Abschnitt ${n}, „${heading}“: ${brief}`,
    },
    keyPoints: (points) => `Behandeln Sie diese Kernpunkte: ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Umfang: etwa ${tag("words", words)} Wörter.`,
    neighbours: (summaries) => `Die benachbarten Abschnitte sagen: ${summaries}`,
    fixPrevious: (problems) => `Beheben Sie diese Mängel des vorigen Versuchs: ${problems}`,
    reviewFound: (reasons) => `Die Prüfung des ganzen Textes ergab: ${reasons}`,
    currentText: (text) => `Der bisherige Text, zu verbessern statt zu wiederholen: ${tag("text", text)}`,
    instruction: (text) =>
      `Der Kunde möchte diesen Abschnitt mit dieser Anweisung neu geschrieben haben; befolge sie und behalte die Fakten, Quellen und Zitate, die weiterhin passen: ${tag("instruction", text)}`,
    neighbourTexts: (text) =>
      `Die benachbarten Abschnitte, als Kontext (nicht wiederholen): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "Dieser Text hat keine Quellen: Zitieren Sie nichts und erfinden Sie niemals Literaturangaben, DOIs oder URLs.",
    noneHere: "Zitieren Sie in diesem Abschnitt keine Quellen; erfinden Sie niemals Literaturangaben, DOIs oder URLs.",
    intro:
      "Quellen, die Sie zitieren dürfen, als [@key] direkt nach der Aussage, die sie stützen (zitieren Sie nichts " +
      "anderes; erfinden Sie niemals Literaturangaben, DOIs oder URLs):",
    anonymous: "Anonym",
    undated: "o. J.",
    customerSource: "Eine Quelle des Kunden: in diesem Abschnitt zitieren.",
    abstract: (text) => `Zusammenfassung: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) =>
      `Er hat ${words} Wörter; nötig sind etwa ${target}. Entwickeln Sie die Argumentation bis zu diesem Umfang.`,
    missingKeyPoints: (points) => `Er lässt Kernpunkte der Gliederung aus: ${points}.`,
  },
  feedback: {
    empty: "Die vorige Antwort war leer.",
    tooShort: (words, target) => `Die vorige Antwort hatte ${words} Wörter; dieser Abschnitt braucht etwa ${target}.`,
  },
  judge: {
    system:
      "Sie prüfen einen wissenschaftlichen Text anhand der ausdrücklichen Vorgaben der Kundin oder des Kunden. " +
      "Nennen Sie jede ausdrückliche, prüfbare Vorgabe (Umfang, geforderte Kapitel oder Abschnitte, Zitierstil, Zahl " +
      "oder Art der Quellen, Sprache, Schwerpunkt) und sagen Sie, ob der Text sie erfüllt; schreiben Sie Vorgaben und " +
      "Belege auf Deutsch. Antworten Sie mit einem JSON-Objekt:",
    requirements: (text) => `Vorgaben: ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) => `Die zu prüfende Gliederung (${tag("language", language)}): ${tag("text", text)}`,
      document: (text, language) => `Der zu prüfende Text (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
  citations: {
    system:
      'Sie prüfen, ob Quellen die Aussagen eines wissenschaftlichen Textes stützen. Lesen Sie für jede Aussage (ein Satz und der Schlüssel einer Quelle, die er zitiert) den Text dieser Quelle und antworten Sie "supported" (die Quelle sagt es), "partly" (die Quelle sagt nur einen Teil davon oder etwas Schwächeres) oder "unsupported" (die Quelle sagt es nicht); zitieren Sie den Beleg wörtlich aus dem Text der Quelle (leer, wenn es keinen gibt), nennen Sie die Seite, wenn der Abschnitt sie angibt, und begründen Sie in einem kurzen Satz auf Deutsch. Geben Sie für jeden Satz an, ob er einen Beleg braucht: Er nennt eine Tatsache, einen Befund oder die Ansicht eines anderen Autors statt des eigenen Arguments des Textes. Antworten Sie mit genau einem JSON-Objekt:',
    sentences: (json) => `Die Sätze des Abschnitts, nummeriert: ${tag("sentences", json)}`,
    claims: (json) =>
      `Die zu prüfenden Aussagen (Nummer des Satzes und Schlüssel der zitierten Quelle): ${tag("claims", json)}`,
    sources: (json) => `Die Texte der Quellen (Titel und Abstract oder Seiten des Volltexts): ${tag("sources", json)}`,
    unsupported: (sentence, key, reason) =>
      `Der Satz "${sentence}" zitiert [@${key}], aber diese Quelle sagt das nicht (${reason}). Passen Sie die Aussage an das an, was die Quelle sagt, zitieren Sie eine Quelle, die es sagt, oder lassen Sie die Aussage ohne Beleg.`,
    partly: (sentence, key, reason) =>
      `Der Satz "${sentence}" behauptet mehr, als [@${key}] sagt (${reason}). Behaupten Sie nur, was die Quelle stützt.`,
    share: (percent, minimum) =>
      `Nur ${percent} % der Belege der vorigen Antwort werden von ihren Quellen gestützt; mindestens ${minimum} % müssen es sein.`,
  },
};
