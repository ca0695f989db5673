// What the writer is told, in Russian (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const ru: PromptTexts = {
  kinds: {
    essay: "эссе",
    term_paper: "курсовая работа",
    bachelor_thesis: "бакалаврская работа",
    master_thesis: "магистерская диссертация",
    book_chapter: "глава книги",
    literature_review: "обзор литературы",
  },
  outline: {
    system: "Вы академический редактор, который планирует большие тексты. Отвечайте только одним объектом JSON:",
    task: (p) =>
      `Составьте план работы (вид: ${p.kind}) на тему ${tag("topic", p.topic)}` +
      `${p.discipline ? ` (область: ${p.discipline})` : ""} на русском языке (${tag("language", p.language)}), ` +
      `стиль цитирования ${p.style}.`,
    shape: (count) =>
      `Количество разделов: ровно ${tag("sections", count)}. Первый — введение, последний — заключение. ` +
      "Заголовки, краткие описания и ключевые положения пишите на русском языке. " +
      "Каждое описание в двух предложениях говорит, что должен доказать раздел; для каждого раздела приведите от трёх до пяти ключевых положений.",
    followRequirements: "Следуйте требованиям заказчика (обязательные главы, фокус, объём), где они применимы.",
  },
  requirements: {
    instructions: (text) => `Указания заказчика: ${tag("instructions", text)}`,
    file: (text) => `Требования из файла заказчика: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Вы пишете один раздел академического текста. Пишите связный академический текст на русском языке; " +
        "без заголовков, списков и вступительных фраз.",
      revise:
        "Вы дорабатываете один раздел академического текста. Пишите связный академический текст на русском языке; " +
        "без заголовков, списков и вступительных фраз.",
    },
    topic: (topic, language) => `Тема текста: ${tag("topic", topic)}. Язык: русский (${tag("language", language)}).`,
    outline: (outline) => `План: ${outline}.`,
    task: {
      write: (n, heading, brief) => `Напишите раздел ${n} «${heading}»: ${brief}`,
      revise: (n, heading, brief) => `Доработайте раздел ${n} «${heading}»: ${brief}`,
    },
    keyPoints: (points) => `Раскройте следующие ключевые положения: ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Объём в словах: примерно ${tag("words", words)}.`,
    neighbours: (summaries) => `О чём говорится в соседних разделах: ${summaries}`,
    fixPrevious: (problems) => `Исправьте следующие недостатки предыдущей попытки: ${problems}`,
    reviewFound: (reasons) => `Проверка всего текста выявила: ${reasons}`,
    currentText: (text) => `Текущий текст, который нужно улучшить, а не повторить: ${tag("text", text)}`,
  },
  sources: {
    none: "У этого текста нет источников: ничего не цитируйте и никогда не выдумывайте ссылки, DOI или URL.",
    noneHere: "В этом разделе не цитируйте источники; никогда не выдумывайте ссылки, DOI или URL.",
    intro:
      "Источники, которые можно цитировать в виде [@key] сразу после утверждения, которое они подтверждают " +
      "(ничего другого не цитируйте; никогда не выдумывайте ссылки, DOI или URL):",
    anonymous: "Без автора",
    undated: "б. г.",
    abstract: (text) => `Аннотация: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) =>
      `Слов в нём: ${words}, а нужно около ${target}. Разверните аргументацию до этого объёма.`,
    missingKeyPoints: (points) => `В нём пропущены ключевые положения плана: ${points}.`,
  },
  feedback: {
    empty: "Предыдущий ответ был пустым.",
    tooShort: (words, target) => `Слов в предыдущем ответе: ${words}, а этому разделу нужно около ${target}.`,
  },
  judge: {
    system:
      "Вы проверяете академический текст на соответствие явным требованиям заказчика. Перечислите каждое явное " +
      "проверяемое требование (объём, обязательные главы или разделы, стиль цитирования, число или вид источников, " +
      "язык, фокус) и укажите, соответствует ли ему текст; требования и обоснования пишите на русском языке. " +
      "Отвечайте одним объектом JSON:",
    requirements: (text) => `Требования: ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) => `План для проверки (${tag("language", language)}): ${tag("text", text)}`,
      document: (text, language) => `Текст для проверки (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
};
