// The offline demo writer's words in German (placeholders and parts: en.ts). The verb comes second ("würde") and its
// infinitive last, so `sentence` puts the parts in that order.
import type { OfflineTexts } from "./en";

export const de: OfflineTexts = {
  introduction: "Einleitung",
  conclusion: "Fazit",
  body: [
    "Hintergrund und zentrale Begriffe",
    "Historische Entwicklung",
    "Aktuelle Debatten",
    "Methoden und Belege",
    "Fallstudien",
    "Kritische Bewertung",
    "Folgerungen für die Praxis",
    "Offene Fragen",
  ],
  brief: "Der Abschnitt „{heading}“ einer Arbeit zum Thema „{topic}“.",
  keyPoints: ["zentrale Begriffe und Umfang des Themas", "die verfügbaren Belege", "offene Probleme"],
  label:
    "Dies ist ein Platzhaltertext der Demoversion, ohne Sprachmodell geschrieben: Er markiert nur den Platz des " +
    "Abschnitts „{heading}“ und skizziert, was darin behandelt würde.",
  covers: "Der fertige Abschnitt würde diese Kernpunkte aufgreifen: {points}.",
  sentence: "{opener} würde {subject} {object} {verb}{closer}",
  openers: [
    "Im Zusammenhang mit dem Abschnitt „{heading}“",
    "Mit Blick auf den Aspekt „{point}“",
    "Für eine vollständige Darstellung des Themas „{topic}“",
    "In der Fachliteratur",
    "Auf der Ebene der Praxis",
    "Im Vergleich",
    "In historischer Perspektive",
    "Aus methodischer Sicht",
    "Insgesamt",
    "Bei genauerer Betrachtung",
  ],
  subjects: [
    "der fertige Abschnitt",
    "der vollständige Text",
    "dieser Absatz in seiner endgültigen Form",
    "die ausgearbeitete Argumentation",
    "eine sorgfältige Analyse",
    "die ausgeschriebene Fassung",
  ],
  verbs: ["untersuchen", "erörtern", "abwägen", "nachzeichnen", "klären", "beschreiben", "bewerten", "erläutern"],
  objects: [
    "die Bedeutung des Aspekts „{point}“ für alltägliche Entscheidungen",
    "die Grenzen einer einzigen Erklärung",
    "das übliche Gewicht des Aspekts „{point}“",
    "eine Spannung zwischen erklärten Zielen und beobachteten Ergebnissen",
    "die Rolle von Zeitpunkt und Reihenfolge",
    "den Widerstand des Themas „{topic}“ gegen einfache Verallgemeinerungen",
    "die ungleiche Verteilung von Kosten und Nutzen",
    "eine Lücke zwischen nationalen und regionalen Mustern",
    "die Bedeutung der gewählten Messverfahren",
    "das Zusammenspiel von Anreizen und Normen",
    "eine übersehene Dimension des Abschnitts „{heading}“",
    "die Beständigkeit früherer Regelungen",
  ],
  closers: [
    "",
    "",
    ", was für die folgende Argumentation wichtig ist",
    ", auch wenn die Datenlage lückenhaft bleibt",
    ", worauf spätere Abschnitte zurückkommen",
    ", besonders im Vergleich verschiedener Zeiträume",
    ", zumindest in den besser dokumentierten Fällen",
  ],
};
