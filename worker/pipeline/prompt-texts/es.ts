// What the writer is told, in Spanish (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const es: PromptTexts = {
  kinds: {
    essay: "un ensayo",
    term_paper: "un trabajo de curso",
    bachelor_thesis: "un trabajo de fin de grado",
    master_thesis: "un trabajo de fin de máster",
    book_chapter: "un capítulo de libro",
    literature_review: "una revisión de la literatura",
  },
  outline: {
    system: "Eres un editor académico que planifica textos extensos. Responde solo con un objeto JSON:",
    task: (p) =>
      `Planifica ${p.kind} sobre el tema ${tag("topic", p.topic)}${p.discipline ? ` en el ámbito de ${p.discipline}` : ""}, ` +
      `que se redactará en español (${tag("language", p.language)}), con el estilo de citación ${p.style}.`,
    shape: (count) =>
      `Devuelve exactamente ${tag("sections", count)} secciones: la primera es la introducción y la última la conclusión. ` +
      "Escribe los títulos, las descripciones y los puntos clave en español. " +
      "Cada descripción dice en dos frases qué debe sostener la sección; da de tres a cinco puntos clave por sección.",
    followRequirements:
      "Sigue los requisitos del cliente (capítulos exigidos, enfoque, extensión) cuando correspondan.",
  },
  requirements: {
    instructions: (text) => `Indicaciones del cliente: ${tag("instructions", text)}`,
    file: (text) => `Requisitos del archivo del cliente: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Escribes una sección de un texto académico. Escribe prosa académica continua en español; " +
        "sin títulos, sin listas, sin preámbulos.",
      revise:
        "Revisas una sección de un texto académico. Escribe prosa académica continua en español; " +
        "sin títulos, sin listas, sin preámbulos.",
    },
    topic: (topic, language) =>
      `Tema del texto: ${tag("topic", topic)}. Idioma: español (${tag("language", language)}).`,
    outline: (outline) => `Esquema: ${outline}.`,
    task: {
      write: (n, heading, brief) => `Escribe la sección ${n}, «${heading}»: ${brief}`,
      revise: (n, heading, brief) => `Revisa la sección ${n}, «${heading}»: ${brief}`,
    },
    keyPoints: (points) => `Trata estos puntos clave: ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Extensión: unas ${tag("words", words)} palabras.`,
    neighbours: (summaries) => `Las secciones vecinas dicen: ${summaries}`,
    fixPrevious: (problems) => `Corrige estos problemas del intento anterior: ${problems}`,
    reviewFound: (reasons) => `La revisión del texto completo encontró: ${reasons}`,
    currentText: (text) => `El texto actual, para mejorarlo y no repetirlo: ${tag("text", text)}`,
    instruction: (text) =>
      `El cliente pide reescribir esta sección con esta indicación; síguela y conserva los hechos, fuentes y citas que sigan siendo pertinentes: ${tag("instruction", text)}`,
    neighbourTexts: (text) => `Las secciones vecinas, como contexto (no las repitas): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "Este texto no tiene fuentes: no cites nada y nunca inventes referencias, DOI ni URL.",
    noneHere: "No cites fuentes en esta sección; nunca inventes referencias, DOI ni URL.",
    intro:
      "Fuentes que puedes citar, como [@key] justo después de la afirmación que respaldan (no cites nada más; nunca " +
      "inventes referencias, DOI ni URL):",
    anonymous: "Anónimo",
    undated: "s. f.",
    customerSource: "Fuente aportada por el cliente: cítala en esta sección.",
    abstract: (text) => `Resumen: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) =>
      `Tiene ${words} palabras; necesita unas ${target}. Desarrolla la argumentación hasta esa extensión.`,
    missingKeyPoints: (points) => `Omite puntos clave del esquema: ${points}.`,
  },
  feedback: {
    empty: "La respuesta anterior estaba vacía.",
    tooShort: (words, target) => `La respuesta anterior tenía ${words} palabras; esta sección necesita unas ${target}.`,
  },
  judge: {
    system:
      "Compruebas un texto académico frente a los requisitos explícitos del cliente. Enumera cada restricción " +
      "explícita y comprobable (extensión, capítulos o secciones exigidos, estilo de citación, número o tipo de " +
      "fuentes, idioma, enfoque) e indica si el texto la cumple; escribe las restricciones y las justificaciones en " +
      "español. Responde con un objeto JSON:",
    requirements: (text) => `Requisitos: ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) =>
        `El esquema que se debe comprobar (${tag("language", language)}): ${tag("text", text)}`,
      document: (text, language) =>
        `El texto que se debe comprobar (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
  citations: {
    system:
      'Usted comprueba si las fuentes respaldan las afirmaciones de un texto académico. Para cada afirmación (una oración y la clave de una fuente que cita) lea el texto de esa fuente y responda "supported" (la fuente lo afirma), "partly" (la fuente afirma solo una parte, o algo más débil) o "unsupported" (la fuente no lo afirma); cite la prueba palabra por palabra del texto de la fuente (vacía si no la hay), indique la página cuando el pasaje la nombre y explique por qué en una frase breve en español. Para cada oración, indique si necesita una cita: enuncia un hecho, un hallazgo o la opinión de otro autor en lugar del argumento propio del texto. Responda con un solo objeto JSON:',
    sentences: (json) => `Las oraciones de la sección, numeradas: ${tag("sentences", json)}`,
    claims: (json) =>
      `Las afirmaciones que comprobar (número de la oración y clave de la fuente que cita): ${tag("claims", json)}`,
    sources: (json) =>
      `Los textos de las fuentes (título y resumen, o páginas del texto completo): ${tag("sources", json)}`,
    unsupported: (sentence, key, reason) =>
      `La oración "${sentence}" cita [@${key}], pero esa fuente no lo dice (${reason}). Ajuste la afirmación a lo que dice la fuente, cite una fuente que lo diga o deje la afirmación sin cita.`,
    partly: (sentence, key, reason) =>
      `La oración "${sentence}" afirma más de lo que dice [@${key}] (${reason}). Afirme solo lo que la fuente respalda.`,
    share: (percent, minimum) =>
      `Solo el ${percent} % de las citas de la respuesta anterior está respaldado por sus fuentes; se necesita al menos el ${minimum} %.`,
  },
};
