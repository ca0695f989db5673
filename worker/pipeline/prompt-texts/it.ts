// What the writer is told, in Italian (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const it: PromptTexts = {
  kinds: {
    essay: "un saggio",
    term_paper: "una tesina",
    bachelor_thesis: "una tesi di laurea triennale",
    master_thesis: "una tesi di laurea magistrale",
    book_chapter: "un capitolo di libro",
    literature_review: "una rassegna della letteratura",
  },
  outline: {
    system: "Sei un redattore accademico che pianifica testi lunghi. Rispondi soltanto con un oggetto JSON:",
    task: (p) =>
      `Pianifica ${p.kind} sul tema ${tag("topic", p.topic)}${p.discipline ? ` nell'ambito di ${p.discipline}` : ""}, ` +
      `da scrivere in italiano (${tag("language", p.language)}), con lo stile di citazione ${p.style}.`,
    shape: (count) =>
      `Restituisci esattamente ${tag("sections", count)} sezioni: la prima è l'introduzione e l'ultima la conclusione. ` +
      "Scrivi titoli, descrizioni e punti chiave in italiano. " +
      "Ogni descrizione dice in due frasi che cosa deve sostenere la sezione; indica da tre a cinque punti chiave per sezione.",
    followRequirements: "Rispetta i requisiti del cliente (capitoli richiesti, taglio, lunghezza) dove si applicano.",
  },
  requirements: {
    instructions: (text) => `Indicazioni del cliente: ${tag("instructions", text)}`,
    file: (text) => `Requisiti dal file del cliente: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Scrivi una sezione di un testo accademico. Scrivi prosa accademica continua in italiano; " +
        "niente titoli, niente elenchi, niente premesse.",
      revise:
        "Rivedi una sezione di un testo accademico. Scrivi prosa accademica continua in italiano; " +
        "niente titoli, niente elenchi, niente premesse.",
    },
    topic: (topic, language) =>
      `Tema del testo: ${tag("topic", topic)}. Lingua: italiano (${tag("language", language)}).`,
    outline: (outline) => `Struttura: ${outline}.`,
    task: {
      write: (n, heading, brief) => `Scrivi la sezione ${n}, «${heading}»: ${brief}`,
      revise: (n, heading, brief) => `Rivedi la sezione ${n}, «${heading}»: ${brief}`,
    },
    keyPoints: (points) => `Tratta questi punti chiave: ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Lunghezza: circa ${tag("words", words)} parole.`,
    neighbours: (summaries) => `Le sezioni vicine dicono: ${summaries}`,
    fixPrevious: (problems) => `Correggi questi problemi del tentativo precedente: ${problems}`,
    reviewFound: (reasons) => `La revisione dell'intero testo ha rilevato: ${reasons}`,
    currentText: (text) => `Il testo attuale, da migliorare e non da ripetere: ${tag("text", text)}`,
    instruction: (text) =>
      `Il cliente chiede di riscrivere questa sezione con questa indicazione; seguila, mantenendo i fatti, le fonti e le citazioni ancora pertinenti: ${tag("instruction", text)}`,
    neighbourTexts: (text) => `Le sezioni vicine, come contesto (non ripeterle): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "Questo testo non ha fonti: non citare nulla e non inventare mai riferimenti, DOI o URL.",
    noneHere: "Non citare fonti in questa sezione; non inventare mai riferimenti, DOI o URL.",
    intro:
      "Fonti che puoi citare, come [@key] subito dopo l'affermazione che sostengono (non citare altro; non inventare " +
      "mai riferimenti, DOI o URL):",
    anonymous: "Anonimo",
    undated: "s.d.",
    customerSource: "Fonte fornita dal cliente: citala in questa sezione.",
    abstract: (text) => `Abstract: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) =>
      `Ha ${words} parole; ne servono circa ${target}. Sviluppa l'argomentazione fino a questa lunghezza.`,
    missingKeyPoints: (points) => `Tralascia punti chiave della struttura: ${points}.`,
  },
  feedback: {
    empty: "La risposta precedente era vuota.",
    tooShort: (words, target) =>
      `La risposta precedente aveva ${words} parole; questa sezione ne richiede circa ${target}.`,
  },
  judge: {
    system:
      "Verifichi un testo accademico rispetto ai requisiti espliciti del cliente. Elenca ogni vincolo esplicito e " +
      "verificabile (lunghezza, capitoli o sezioni richiesti, stile di citazione, numero o tipo di fonti, lingua, " +
      "taglio) e indica se il testo lo rispetta; scrivi i vincoli e le motivazioni in italiano. Rispondi con un oggetto JSON:",
    requirements: (text) => `Requisiti: ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) => `La struttura da verificare (${tag("language", language)}): ${tag("text", text)}`,
      document: (text, language) => `Il testo da verificare (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
};
