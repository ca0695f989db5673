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
  citations: {
    system:
      'Verifichi se le fonti sostengono le affermazioni di un testo accademico. Per ogni affermazione (una frase e la chiave di una fonte che cita) leggi il testo di quella fonte e rispondi "supported" (la fonte lo afferma), "partly" (la fonte ne afferma solo una parte, o qualcosa di più debole) o "unsupported" (la fonte non lo afferma); cita la prova parola per parola dal testo della fonte (vuota se non c\'è), indica la pagina quando il passo la riporta e spiega perché in una breve frase in italiano. Per ogni frase indica se ha bisogno di una citazione: riporta un fatto, un risultato o il parere di un altro autore anziché l\'argomentazione propria del testo. Rispondi con un solo oggetto JSON:',
    sentences: (json) => `Le frasi della sezione, numerate: ${tag("sentences", json)}`,
    claims: (json) =>
      `Le affermazioni da verificare (numero della frase e chiave della fonte che cita): ${tag("claims", json)}`,
    sources: (json) => `I testi delle fonti (titolo e abstract, o pagine del testo completo): ${tag("sources", json)}`,
    unsupported: (sentence, key, reason) =>
      `La frase "${sentence}" cita [@${key}], ma quella fonte non lo dice (${reason}). Riformula l'affermazione secondo ciò che dice la fonte, cita una fonte che lo dice o lascia l'affermazione senza citazione.`,
    partly: (sentence, key, reason) =>
      `La frase "${sentence}" afferma più di quanto dica [@${key}] (${reason}). Afferma solo ciò che la fonte sostiene.`,
    share: (percent, minimum) =>
      `Solo il ${percent}% delle citazioni della risposta precedente è sostenuto dalle fonti; ne serve almeno il ${minimum}%.`,
  },
};
