// What the writer is told, in Polish (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const pl: PromptTexts = {
  kinds: {
    essay: "esej",
    term_paper: "pracę semestralną",
    bachelor_thesis: "pracę licencjacką",
    master_thesis: "pracę magisterską",
    book_chapter: "rozdział książki",
    literature_review: "przegląd literatury",
  },
  outline: {
    system: "Jesteś redaktorem naukowym, który planuje obszerne teksty. Odpowiedz wyłącznie jednym obiektem JSON:",
    task: (p) =>
      `Zaplanuj ${p.kind} na temat ${tag("topic", p.topic)}${p.discipline ? ` (dziedzina: ${p.discipline})` : ""}, ` +
      `do napisania po polsku (${tag("language", p.language)}), styl cytowania ${p.style}.`,
    shape: (count) =>
      `Liczba części: dokładnie ${tag("sections", count)}. Pierwsza to wstęp, ostatnia to zakończenie. ` +
      "Tytuły, opisy i kluczowe zagadnienia napisz po polsku. " +
      "Każdy opis mówi w dwóch zdaniach, czego ma dowieść dana część; podaj od trzech do pięciu kluczowych zagadnień dla każdej części.",
    followRequirements:
      "Uwzględnij wymagania klienta (wymagane rozdziały, ujęcie, objętość) tam, gdzie mają zastosowanie.",
  },
  requirements: {
    instructions: (text) => `Wskazówki klienta: ${tag("instructions", text)}`,
    file: (text) => `Wymagania z pliku klienta: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Piszesz jedną część tekstu naukowego. Pisz ciągłą prozą naukową po polsku; " +
        "bez nagłówków, bez wyliczeń, bez wstępów od siebie.",
      revise:
        "Poprawiasz jedną część tekstu naukowego. Pisz ciągłą prozą naukową po polsku; " +
        "bez nagłówków, bez wyliczeń, bez wstępów od siebie.",
    },
    topic: (topic, language) => `Temat tekstu: ${tag("topic", topic)}. Język: polski (${tag("language", language)}).`,
    outline: (outline) => `Plan: ${outline}.`,
    task: {
      write: (n, heading, brief) => `Napisz część ${n}, „${heading}”: ${brief}`,
      revise: (n, heading, brief) => `Popraw część ${n}, „${heading}”: ${brief}`,
    },
    keyPoints: (points) => `Omów te kluczowe zagadnienia: ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Objętość w słowach: około ${tag("words", words)}.`,
    neighbours: (summaries) => `Sąsiednie części mówią: ${summaries}`,
    fixPrevious: (problems) => `Popraw te błędy poprzedniej próby: ${problems}`,
    reviewFound: (reasons) => `Przegląd całego tekstu wykazał: ${reasons}`,
    currentText: (text) => `Obecny tekst, do ulepszenia, a nie powtórzenia: ${tag("text", text)}`,
    instruction: (text) =>
      `Klient prosi o ponowne napisanie tej sekcji według tego polecenia; zastosuj się do niego, zachowując fakty, źródła i cytowania, które nadal pasują: ${tag("instruction", text)}`,
    neighbourTexts: (text) => `Sąsiednie sekcje, jako kontekst (nie powtarzaj ich): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "Ten tekst nie ma źródeł: niczego nie cytuj i nigdy nie wymyślaj odwołań, DOI ani adresów URL.",
    noneHere: "W tej części nie cytuj źródeł; nigdy nie wymyślaj odwołań, DOI ani adresów URL.",
    intro:
      "Źródła, które możesz cytować, jako [@key] zaraz po twierdzeniu, które popierają (nie cytuj niczego innego; " +
      "nigdy nie wymyślaj odwołań, DOI ani adresów URL):",
    anonymous: "Autor nieznany",
    undated: "b.r.",
    customerSource: "Źródło podane przez klienta: zacytuj je w tym rozdziale.",
    abstract: (text) => `Streszczenie: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) => `Liczba słów: ${words}; potrzeba około ${target}. Rozwiń wywód do tej objętości.`,
    missingKeyPoints: (points) => `Pomija kluczowe zagadnienia planu: ${points}.`,
  },
  feedback: {
    empty: "Poprzednia odpowiedź była pusta.",
    tooShort: (words, target) => `Liczba słów w poprzedniej odpowiedzi: ${words}; ta część potrzebuje około ${target}.`,
  },
  judge: {
    system:
      "Sprawdzasz tekst naukowy pod kątem wyraźnych wymagań klienta. Wymień każde wyraźne, sprawdzalne wymaganie " +
      "(objętość, wymagane rozdziały lub części, styl cytowania, liczba lub rodzaj źródeł, język, ujęcie) i podaj, czy " +
      "tekst je spełnia; wymagania i uzasadnienia napisz po polsku. Odpowiedz jednym obiektem JSON:",
    requirements: (text) => `Wymagania: ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) => `Plan do sprawdzenia (${tag("language", language)}): ${tag("text", text)}`,
      document: (text, language) => `Tekst do sprawdzenia (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
  citations: {
    system:
      'Sprawdzasz, czy źródła potwierdzają twierdzenia tekstu akademickiego. Dla każdego twierdzenia (zdania i klucza źródła, które cytuje) przeczytaj tekst tego źródła i odpowiedz "supported" (źródło to stwierdza), "partly" (źródło stwierdza tylko część lub coś słabszego) albo "unsupported" (źródło tego nie stwierdza); przytocz dowód dosłownie z tekstu źródła (pusty, jeśli go nie ma), podaj stronę, gdy fragment ją wskazuje, i wyjaśnij dlaczego jednym krótkim zdaniem po polsku. Dla każdego zdania określ, czy wymaga przypisu: podaje fakt, wynik badań lub pogląd innego autora, a nie własny argument tekstu. Odpowiedz jednym obiektem JSON:',
    sentences: (json) => `Zdania sekcji, ponumerowane: ${tag("sentences", json)}`,
    claims: (json) => `Twierdzenia do sprawdzenia (numer zdania i klucz cytowanego źródła): ${tag("claims", json)}`,
    sources: (json) => `Teksty źródeł (tytuł i abstrakt albo strony pełnego tekstu): ${tag("sources", json)}`,
    unsupported: (sentence, key, reason) =>
      `Zdanie "${sentence}" cytuje [@${key}], ale to źródło tego nie mówi (${reason}). Zmień twierdzenie zgodnie z tym, co mówi źródło, zacytuj źródło, które to mówi, albo zostaw twierdzenie bez przypisu.`,
    partly: (sentence, key, reason) =>
      `Zdanie "${sentence}" twierdzi więcej, niż mówi [@${key}] (${reason}). Twierdź tylko to, co potwierdza źródło.`,
    share: (percent, minimum) =>
      `Tylko ${percent}% przypisów poprzedniej odpowiedzi jest potwierdzonych przez ich źródła; potrzeba co najmniej ${minimum}%.`,
  },
};
