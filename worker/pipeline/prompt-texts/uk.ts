// What the writer is told, in Ukrainian (the English table, en.ts, is the type).
import type { PromptTexts } from "./en";
import { tag } from "./tags";

export const uk: PromptTexts = {
  kinds: {
    essay: "есе",
    term_paper: "курсову роботу",
    bachelor_thesis: "бакалаврську роботу",
    master_thesis: "магістерську роботу",
    book_chapter: "розділ книги",
    literature_review: "огляд літератури",
  },
  outline: {
    system: "Ви академічний редактор, який планує великі тексти. Відповідайте лише одним об'єктом JSON:",
    task: (p) =>
      `Складіть план, за яким буде написано ${p.kind} на тему ${tag("topic", p.topic)}` +
      `${p.discipline ? ` (галузь: ${p.discipline})` : ""} українською мовою (${tag("language", p.language)}), ` +
      `стиль цитування ${p.style}.`,
    shape: (count) =>
      `Кількість розділів: рівно ${tag("sections", count)}. Перший — вступ, останній — висновки. ` +
      "Заголовки, короткі описи та ключові положення пишіть українською мовою. " +
      "Кожен опис у двох реченнях каже, що має довести розділ; для кожного розділу наведіть від трьох до п'яти ключових положень.",
    followRequirements: "Дотримуйтеся вимог замовника (обов'язкові розділи, фокус, обсяг), де вони застосовні.",
  },
  requirements: {
    instructions: (text) => `Вказівки замовника: ${tag("instructions", text)}`,
    file: (text) => `Вимоги з файлу замовника: ${tag("requirements", text)}`,
  },
  section: {
    system: {
      write:
        "Ви пишете один розділ академічного тексту. Пишіть суцільний академічний текст українською мовою; " +
        "без заголовків, списків і вступних фраз.",
      revise:
        "Ви доопрацьовуєте один розділ академічного тексту. Пишіть суцільний академічний текст українською мовою; " +
        "без заголовків, списків і вступних фраз.",
    },
    topic: (topic, language) => `Тема тексту: ${tag("topic", topic)}. Мова: українська (${tag("language", language)}).`,
    outline: (outline) => `План: ${outline}.`,
    task: {
      write: (n, heading, brief) => `Напишіть розділ ${n} «${heading}»: ${brief}`,
      revise: (n, heading, brief) => `Доопрацюйте розділ ${n} «${heading}»: ${brief}`,
    },
    keyPoints: (points) => `Розкрийте такі ключові положення: ${tag("key-points", points.join("; "))}.`,
    length: (words) => `Обсяг у словах: приблизно ${tag("words", words)}.`,
    neighbours: (summaries) => `Про що йдеться в сусідніх розділах: ${summaries}`,
    fixPrevious: (problems) => `Виправте такі недоліки попередньої спроби: ${problems}`,
    reviewFound: (reasons) => `Перевірка всього тексту виявила: ${reasons}`,
    currentText: (text) => `Поточний текст, який треба поліпшити, а не повторити: ${tag("text", text)}`,
    instruction: (text) =>
      `Клієнт просить переписати цей розділ за цією вказівкою; дотримуйся її, зберігаючи факти, джерела й посилання, які досі доречні: ${tag("instruction", text)}`,
    neighbourTexts: (text) => `Сусідні розділи, для контексту (не повторюй їх): ${tag("neighbours", text)}`,
  },
  sources: {
    none: "Цей текст не має джерел: нічого не цитуйте й ніколи не вигадуйте посилань, DOI чи URL.",
    noneHere: "У цьому розділі не цитуйте джерел; ніколи не вигадуйте посилань, DOI чи URL.",
    intro:
      "Джерела, які можна цитувати у формі [@key] одразу після твердження, яке вони підтверджують (нічого іншого " +
      "не цитуйте; ніколи не вигадуйте посилань, DOI чи URL):",
    anonymous: "Без автора",
    undated: "б. р.",
    customerSource: "Джерело, надане замовником: процитуйте його в цьому розділі.",
    abstract: (text) => `Анотація: ${tag("abstract", text)}`,
  },
  review: {
    tooShort: (words, target) =>
      `Кількість слів у ньому: ${words}, а потрібно близько ${target}. Розгорніть аргументацію до цього обсягу.`,
    missingKeyPoints: (points) => `У ньому пропущено ключові положення плану: ${points}.`,
  },
  feedback: {
    empty: "Попередня відповідь була порожньою.",
    tooShort: (words, target) =>
      `Кількість слів у попередній відповіді: ${words}, а цьому розділу потрібно близько ${target}.`,
  },
  judge: {
    system:
      "Ви перевіряєте академічний текст на відповідність явним вимогам замовника. Перелічіть кожну явну вимогу, яку " +
      "можна перевірити (обсяг, обов'язкові розділи, стиль цитування, кількість чи вид джерел, мова, фокус), і " +
      "вкажіть, чи текст їй відповідає; вимоги й обґрунтування пишіть українською мовою. Відповідайте одним об'єктом JSON:",
    requirements: (text) => `Вимоги: ${tag("requirements", text)}`,
    subject: {
      outline: (text, language) => `План для перевірки (${tag("language", language)}): ${tag("text", text)}`,
      document: (text, language) => `Текст для перевірки (${tag("language", language)}): ${tag("text", text)}`,
    },
  },
};
