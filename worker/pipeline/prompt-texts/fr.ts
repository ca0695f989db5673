// What the writer is told, in French (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const fr: PromptTexts = {
  kinds: {
    essay: "un essai",
    term_paper: "un mémoire de fin de semestre",
    bachelor_thesis: "un mémoire de licence",
    master_thesis: "un mémoire de master",
    book_chapter: "un chapitre d'ouvrage",
    literature_review: "une revue de la littérature",
  },
  outline: {
    system: "Vous êtes un éditeur universitaire qui planifie des textes longs. Répondez uniquement par un objet JSON :",
    task: (p) =>
      `Établissez le plan d'${p.kind}` +
      ` sur le sujet ${tag("topic", p.topic)}${p.discipline ? ` en ${p.discipline}` : ""}, ` +
      `à rédiger en français (${tag("language", p.language)}), style de citation ${p.style}.`,
    shape: (count) =>
      `Renvoyez exactement ${tag("sections", count)} sections : la première est l'introduction et la dernière la conclusion. ` +
      "Rédigez les titres, les résumés et les points clés en français. " +
      "Chaque résumé dit en deux phrases ce que la section doit démontrer ; donnez trois à cinq points clés par section.",
    followRequirements:
      "Respectez les exigences du client (chapitres requis, angle, longueur) lorsqu'elles s'appliquent.",
  },
  requirements: {
    instructions: (text) => `Consignes du client : ${tag("instructions", text)}`,
    file: (text) => `Exigences tirées du fichier du client : ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Vous rédigez une section d'un texte universitaire. Écrivez une prose académique continue en français ; " +
        "pas de titres, pas de listes, pas de préambule.",
      revise:
        "Vous révisez une section d'un texte universitaire. Écrivez une prose académique continue en français ; " +
        "pas de titres, pas de listes, pas de préambule.",
    },
    topic: (topic, language) =>
      `Sujet du texte : ${tag("topic", topic)}. Langue : français (${tag("language", language)}).`,
    outline: (outline) => `Plan : ${outline}.`,
    task: {
      write: (n, heading, brief) => `Rédigez la section ${n}, « ${heading} » : ${brief}`,
      revise: (n, heading, brief) => `Révisez la section ${n}, « ${heading} » : ${brief}`,
    },
    keyPoints: (points) => `Traitez ces points clés : ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Longueur : environ ${tag("words", words)} mots.`,
    neighbours: (summaries) => `Les sections voisines disent : ${summaries}`,
    fixPrevious: (problems) => `Corrigez ces défauts de la tentative précédente : ${problems}`,
    reviewFound: (reasons) => `La relecture de l'ensemble du texte a relevé : ${reasons}`,
    currentText: (text) => `Le texte actuel, à améliorer plutôt qu'à répéter : ${tag("text", text)}`,
    instruction: (text) =>
      `Le client demande de réécrire cette section selon cette consigne ; suis-la en gardant les faits, les sources et les citations qui conviennent encore: ${tag("instruction", text)}`,
    neighbourTexts: (text) => `Les sections voisines, pour le contexte (ne les répète pas): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "Ce texte n'a pas de sources : ne citez rien et n'inventez jamais de références, de DOI ni d'URL.",
    noneHere: "Ne citez aucune source dans cette section ; n'inventez jamais de références, de DOI ni d'URL.",
    intro:
      "Sources que vous pouvez citer, sous la forme [@key] juste après l'affirmation qu'elles étayent (ne citez rien " +
      "d'autre ; n'inventez jamais de références, de DOI ni d'URL) :",
    anonymous: "Anonyme",
    undated: "s. d.",
    customerSource: "Source fournie par le client : citez-la dans cette section.",
    abstract: (text) => `Résumé : ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) =>
      `Elle compte ${words} mots ; il lui en faut environ ${target}. Développez l'argumentation jusqu'à cette longueur.`,
    missingKeyPoints: (points) => `Elle laisse de côté des points clés du plan : ${points}.`,
  },
  feedback: {
    empty: "La réponse précédente était vide.",
    tooShort: (words, target) =>
      `La réponse précédente comptait ${words} mots ; cette section en demande environ ${target}.`,
  },
  judge: {
    system:
      "Vous vérifiez un texte universitaire au regard des exigences explicites du client. Énumérez chaque contrainte " +
      "explicite et vérifiable (longueur, chapitres ou sections requis, style de citation, nombre ou type de sources, " +
      "langue, angle) et dites si le texte la respecte ; rédigez les contraintes et les justifications en français. " +
      "Répondez par un objet JSON :",
    requirements: (text) => `Exigences : ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) => `Le plan à vérifier (${tag("language", language)}) : ${tag("text", text)}`,
      document: (text, language) => `Le texte à vérifier (${tag("language", language)}) : ${tag("text", text)}`,
    },
  },
  citations: {
    system:
      "Vous vérifiez si des sources étayent les affirmations d'un texte académique. Pour chaque affirmation (une phrase et la clé d'une source qu'elle cite), lisez le texte de cette source et répondez \"supported\" (la source l'affirme), \"partly\" (la source n'en affirme qu'une partie, ou quelque chose de plus faible) ou \"unsupported\" (la source ne l'affirme pas) ; citez la preuve mot pour mot d'après le texte de la source (vide s'il n'y en a pas), donnez la page quand le passage l'indique et dites pourquoi en une courte phrase en français. Pour chaque phrase, indiquez si elle a besoin d'une citation : elle énonce un fait, un résultat ou l'avis d'un autre auteur plutôt que l'argument propre du texte. Répondez par un seul objet JSON :",
    sentences: (json) => `Les phrases de la section, numérotées : ${tag("sentences", json)}`,
    claims: (json) =>
      `Les affirmations à vérifier (numéro de la phrase et clé de la source qu'elle cite) : ${tag("claims", json)}`,
    sources: (json) => `Les textes des sources (titre et résumé, ou pages du texte intégral) : ${tag("sources", json)}`,
    unsupported: (sentence, key, reason) =>
      `La phrase « ${sentence} » cite [@${key}], mais cette source ne le dit pas (${reason}). Reformulez l'affirmation selon ce que dit la source, citez une source qui le dit, ou laissez l'affirmation sans citation.`,
    partly: (sentence, key, reason) =>
      `La phrase « ${sentence} » affirme plus que ne le dit [@${key}] (${reason}). N'affirmez que ce que la source étaye.`,
    share: (percent, minimum) =>
      `Seules ${percent} % des citations de la réponse précédente sont étayées par leurs sources ; il en faut au moins ${minimum} %.`,
  },
};
