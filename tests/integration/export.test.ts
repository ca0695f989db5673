// DOCX and PDF export: read back with mammoth and unpdf, page counts against the words-per-page table, and the
// languages' own letters (Cyrillic, Polish) coming back unchanged from both files.
import { layoutDocument } from "docx/layout";
import mammoth from "mammoth";
import { extractText, getDocumentProxy } from "unpdf";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import yauzl from "yauzl";
import { LANGUAGE_CODES, wordsPerPage } from "../../app/utils/catalog";
import { buildDocx, renderDocx } from "../../worker/export/docx";
import { createExportDocument, EXPORT_LABELS, formatTitleDate, type ExportDocument } from "../../worker/export/model";
import { renderPdf } from "../../worker/export/pdf";
import { sectionCount, wordBudgets } from "../../worker/pipeline/outline";

// Academic prose written for these tests, the same argument in each language, so their word lengths are typical.
const SENTENCES: Record<string, string[]> = {
  en: [
    "The relationship between renewable energy policy and regional economic growth has attracted considerable attention in recent years.",
    "Several studies suggest that feed-in tariffs accelerated the early deployment of solar and wind capacity across the European Union (Jacobsson & Lauber, 2006).",
    "However, the evidence on their long-term effects on household prices remains mixed and often depends on national market design.",
    "This section therefore compares three policy instruments and asks which of them balances cost, reliability and public acceptance most effectively.",
    "A comparative approach makes it possible to separate the influence of institutions from that of geography and available resources.",
    "Critics argue that auctions favour large developers, while supporters point to the sharp fall in the prices paid for each megawatt hour.",
    "It is important to note that the data for smaller member states are incomplete, which limits the strength of some conclusions.",
    "In addition, public participation in local projects appears to increase acceptance of new installations (Walker et al., 2010).",
    "The following analysis draws on official statistics, published reports and a sample of peer-reviewed articles from the last two decades.",
    "Taken together, these findings indicate that no single instrument is sufficient on its own.",
    "Policy makers must consider how support schemes interact with carbon pricing, grid investment and the social distribution of costs.",
    "As a result, the debate has gradually shifted from the question of whether to support renewables to the question of how to do so fairly.",
    "At the same time, each of them has its own strengths and weaknesses.",
  ],
  uk: [
    "Розвиток відновлюваної енергетики в Україні став одним із ключових напрямів державної політики після 2014 року.",
    "Дослідники зазначають, що запровадження «зеленого» тарифу сприяло швидкому зростанню потужностей сонячних електростанцій (Кудря, 2019).",
    "Водночас ця модель підтримки створила значне фінансове навантаження на енергетичний ринок і на державний бюджет.",
    "У цьому розділі розглянуто три інструменти стимулювання та зʼясовано, який із них найкраще поєднує ефективність і соціальну справедливість.",
    "Порівняльний аналіз дає змогу відокремити вплив інституцій від впливу географічних чинників та наявних ресурсів.",
    "Ґрунтовні дослідження європейського досвіду показують, що аукціони знижують вартість енергії, проте віддають перевагу великим інвесторам.",
    "Їхні прихильники наголошують на прозорості процедур, тоді як критики вказують на ризики для місцевих громад.",
    "Слід зауважити, що статистичні дані для окремих регіонів є неповними, що обмежує надійність деяких висновків.",
    "Крім того, участь громадян у місцевих проєктах підвищує суспільну підтримку нових обʼєктів (Ігнатенко, 2021).",
    "Аналіз ґрунтується на офіційній статистиці, звітах міжнародних організацій і наукових статтях за останні два десятиліття.",
    "Отже, жоден окремий інструмент не є достатнім для досягнення поставлених цілей.",
    "Державна політика має враховувати взаємодію механізмів підтримки з ціною на вуглець, інвестиціями в мережі та розподілом витрат між споживачами.",
    "Водночас кожен із них має свої сильні та слабкі сторони.",
  ],
  ru: [
    "Развитие возобновляемой энергетики стало одним из ключевых направлений государственной политики в последние десятилетия.",
    "Исследователи отмечают, что введение специальных тарифов способствовало быстрому росту мощностей солнечных и ветровых электростанций (Иванов, 2018).",
    "Вместе с тем такая модель поддержки создала значительную финансовую нагрузку на энергетический рынок и бюджет.",
    "В данном разделе рассматриваются три инструмента стимулирования и определяется, какой из них лучше всего сочетает эффективность и социальную справедливость.",
    "Сравнительный анализ позволяет отделить влияние институтов от воздействия географических факторов и доступных ресурсов.",
    "Критики утверждают, что аукционы выгодны крупным компаниям, тогда как сторонники указывают на резкое снижение цен.",
    "Следует подчеркнуть, что статистические данные по отдельным регионам неполны, что ограничивает надёжность некоторых выводов.",
    "Кроме того, участие граждан в местных проектах повышает общественную поддержку новых объектов (Петрова, 2020).",
    "Анализ основан на официальной статистике, докладах международных организаций и научных статьях за последние двадцать лет.",
    "Таким образом, ни один отдельный инструмент не является достаточным для достижения поставленных целей.",
    "Государственная политика должна учитывать взаимодействие механизмов поддержки с ценой на углерод, инвестициями в сети и распределением издержек.",
    "В результате дискуссия постепенно сместилась от вопроса о необходимости поддержки к вопросу о её справедливом распределении.",
    "При этом у каждого из них есть свои сильные и слабые стороны.",
  ],
  de: [
    "Die Beziehung zwischen der Förderung erneuerbarer Energien und dem regionalen Wirtschaftswachstum hat in den letzten Jahren große Aufmerksamkeit erhalten.",
    "Mehrere Studien zeigen, dass die Einspeisevergütung den frühen Ausbau der Solar- und Windenergie in Deutschland erheblich beschleunigt hat (Lauber & Jacobsson, 2016).",
    "Die Belege für ihre langfristigen Auswirkungen auf die Strompreise privater Haushalte bleiben jedoch uneinheitlich.",
    "Dieser Abschnitt vergleicht daher drei förderpolitische Instrumente und fragt, welches von ihnen Kosten, Versorgungssicherheit und gesellschaftliche Akzeptanz am besten verbindet.",
    "Ein vergleichender Ansatz ermöglicht es, den Einfluss der Institutionen von dem der Geographie und der verfügbaren Ressourcen zu trennen.",
    "Kritiker wenden ein, dass Ausschreibungen große Projektentwickler begünstigen, während Befürworter auf den deutlichen Rückgang der Preise verweisen.",
    "Es ist zu beachten, dass die Daten für kleinere Mitgliedstaaten unvollständig sind, was die Aussagekraft einiger Schlussfolgerungen einschränkt.",
    "Darüber hinaus scheint die Bürgerbeteiligung an lokalen Projekten die Akzeptanz neuer Anlagen zu erhöhen (Walker et al., 2010).",
    "Die folgende Analyse stützt sich auf amtliche Statistiken, veröffentlichte Berichte und eine Auswahl begutachteter Fachartikel der letzten zwei Jahrzehnte.",
    "Zusammengenommen deuten diese Ergebnisse darauf hin, dass kein einzelnes Instrument für sich allein ausreicht.",
    "Die Politik muss berücksichtigen, wie Fördersysteme mit der CO2-Bepreisung, dem Netzausbau und der sozialen Verteilung der Kosten zusammenwirken.",
    "Infolgedessen hat sich die Debatte allmählich von der Frage, ob erneuerbare Energien gefördert werden sollen, zu der Frage verschoben, wie dies gerecht geschehen kann.",
    "Dabei hat jedes von ihnen seine eigenen Stärken und Schwächen.",
  ],
  fr: [
    "La relation entre les politiques de soutien aux énergies renouvelables et la croissance économique régionale a suscité une attention considérable ces dernières années.",
    "Plusieurs études montrent que les tarifs de rachat ont accéléré le déploiement initial des capacités solaires et éoliennes dans l'Union européenne (Jacobsson et Lauber, 2006).",
    "Cependant, les données sur leurs effets à long terme sur les prix payés par les ménages restent contrastées.",
    "Cette section compare donc trois instruments et cherche à savoir lequel concilie le mieux le coût, la fiabilité et l'acceptation sociale.",
    "Une approche comparative permet de distinguer l'influence des institutions de celle de la géographie et des ressources disponibles.",
    "Les critiques estiment que les appels d'offres favorisent les grands développeurs, tandis que leurs partisans soulignent la forte baisse des prix.",
    "Il convient de noter que les données relatives aux petits États membres sont incomplètes, ce qui limite la portée de certaines conclusions.",
    "En outre, la participation des citoyens aux projets locaux semble renforcer l'acceptation des nouvelles installations (Walker et al., 2010).",
    "L'analyse qui suit s'appuie sur des statistiques officielles, des rapports publiés et un échantillon d'articles scientifiques des deux dernières décennies.",
    "Pris ensemble, ces résultats indiquent qu'aucun instrument ne suffit à lui seul.",
    "Les décideurs doivent examiner la manière dont les mécanismes de soutien interagissent avec le prix du carbone, les investissements dans les réseaux et la répartition sociale des coûts.",
    "Par conséquent, le débat s'est progressivement déplacé de la question de savoir s'il faut soutenir les énergies renouvelables vers celle de savoir comment le faire équitablement.",
    "En même temps, chacun d'eux a ses propres forces et faiblesses.",
  ],
  es: [
    "La relación entre las políticas de apoyo a las energías renovables y el crecimiento económico regional ha recibido una atención considerable en los últimos años.",
    "Varios estudios indican que las primas a la producción aceleraron el despliegue inicial de la energía solar y eólica en la Unión Europea (del Río y Gual, 2007).",
    "Sin embargo, la evidencia sobre sus efectos a largo plazo en los precios que pagan los hogares sigue siendo ambigua.",
    "Esta sección compara, por tanto, tres instrumentos y se pregunta cuál de ellos equilibra mejor el coste, la fiabilidad y la aceptación social.",
    "Un enfoque comparativo permite separar la influencia de las instituciones de la que ejercen la geografía y los recursos disponibles.",
    "Los críticos sostienen que las subastas favorecen a los grandes promotores, mientras que sus defensores destacan la fuerte caída de los precios.",
    "Conviene señalar que los datos de los Estados miembros más pequeños son incompletos, lo que limita el alcance de algunas conclusiones.",
    "Además, la participación ciudadana en proyectos locales parece aumentar la aceptación de nuevas instalaciones (Walker et al., 2010).",
    "El análisis que sigue se basa en estadísticas oficiales, informes publicados y una muestra de artículos científicos de las dos últimas décadas.",
    "En conjunto, estos resultados indican que ningún instrumento es suficiente por sí solo.",
    "Los responsables políticos deben considerar cómo interactúan los mecanismos de apoyo con el precio del carbono, la inversión en redes y el reparto social de los costes.",
    "Como consecuencia, el debate se ha desplazado de la cuestión de si apoyar las renovables a la de cómo hacerlo de manera justa.",
    "Al mismo tiempo, cada uno de ellos tiene sus propias ventajas y limitaciones.",
  ],
  it: [
    "Il rapporto tra le politiche di sostegno alle energie rinnovabili e la crescita economica regionale ha ricevuto grande attenzione negli ultimi anni.",
    "Diversi studi suggeriscono che le tariffe incentivanti hanno accelerato la prima diffusione degli impianti solari ed eolici nell'Unione europea (Jacobsson e Lauber, 2006).",
    "Tuttavia, le evidenze sui loro effetti di lungo periodo sui prezzi pagati dalle famiglie restano contrastanti.",
    "Questa sezione confronta quindi tre strumenti e si chiede quale di essi concili meglio costi, affidabilità e accettazione sociale.",
    "Un approccio comparativo consente di distinguere l'influenza delle istituzioni da quella della geografia e delle risorse disponibili.",
    "I critici sostengono che le aste favoriscono i grandi operatori, mentre i sostenitori sottolineano il forte calo dei prezzi per ogni megawattora.",
    "Occorre osservare che i dati relativi agli Stati membri più piccoli sono incompleti, il che limita la solidità di alcune conclusioni.",
    "Inoltre, la partecipazione dei cittadini ai progetti locali sembra aumentare l'accettazione dei nuovi impianti (Walker et al., 2010).",
    "L'analisi che segue si basa su statistiche ufficiali, rapporti pubblicati e un campione di articoli scientifici degli ultimi due decenni.",
    "Nel complesso, questi risultati indicano che nessuno strumento è sufficiente da solo.",
    "I decisori politici devono considerare come i meccanismi di sostegno interagiscono con il prezzo del carbonio, gli investimenti nelle reti e la distribuzione sociale dei costi.",
    "Di conseguenza, il dibattito si è spostato gradualmente dalla questione se sostenere le rinnovabili a quella di come farlo in modo equo.",
    "Allo stesso tempo, ciascuno di essi ha i propri punti di forza e di debolezza.",
  ],
  pl: [
    "Związek między polityką wspierania odnawialnych źródeł energii a regionalnym wzrostem gospodarczym przyciąga w ostatnich latach coraz większą uwagę badaczy.",
    "Liczne badania wskazują, że taryfy gwarantowane przyspieszyły wczesny rozwój energetyki słonecznej i wiatrowej w Unii Europejskiej (Kowalski, 2019).",
    "Jednakże dowody dotyczące ich długoterminowego wpływu na ceny płacone przez gospodarstwa domowe pozostają niejednoznaczne.",
    "W niniejszym rozdziale porównano zatem trzy instrumenty i zbadano, który z nich najlepiej łączy koszty, niezawodność i akceptację społeczną.",
    "Podejście porównawcze pozwala oddzielić wpływ instytucji od wpływu położenia geograficznego oraz dostępnych zasobów.",
    "Krytycy twierdzą, że aukcje sprzyjają dużym inwestorom, podczas gdy ich zwolennicy podkreślają wyraźny spadek cen energii.",
    "Należy zauważyć, że dane dotyczące mniejszych państw członkowskich są niepełne, co ogranicza siłę niektórych wniosków.",
    "Ponadto udział obywateli w lokalnych przedsięwzięciach zwiększa społeczne poparcie dla nowych instalacji (Żukowska, 2021).",
    "Dalsza analiza opiera się na oficjalnych statystykach, opublikowanych raportach oraz wybranych artykułach naukowych z ostatnich dwóch dekad.",
    "Łącznie wyniki te wskazują, że żaden pojedynczy instrument nie jest wystarczający.",
    "Decydenci muszą uwzględnić, w jaki sposób mechanizmy wsparcia współdziałają z ceną emisji dwutlenku węgla, inwestycjami w sieci i społecznym rozkładem kosztów.",
    "W rezultacie debata stopniowo przesunęła się od pytania, czy wspierać odnawialne źródła energii, do pytania, jak czynić to sprawiedliwie.",
    "Jednocześnie każdy z nich ma swoje mocne i słabe strony.",
  ],
};

const HEADINGS: Record<string, string[]> = {
  en: [
    "Introduction",
    "Background and key concepts",
    "Historical development",
    "Current debates",
    "Methods and evidence",
    "Case studies",
    "Critical assessment",
    "Implications for practice",
    "Conclusion",
  ],
  uk: [
    "Вступ",
    "Теоретичні засади та ключові поняття",
    "Історичний розвиток",
    "Сучасні дискусії",
    "Методи та джерела даних",
    "Приклади з практики",
    "Критична оцінка",
    "Значення для практики",
    "Висновки",
  ],
  ru: [
    "Введение",
    "Теоретические основы и ключевые понятия",
    "Историческое развитие",
    "Современные дискуссии",
    "Методы и данные",
    "Практические примеры",
    "Критическая оценка",
    "Значение для практики",
    "Заключение",
  ],
  de: [
    "Einleitung",
    "Hintergrund und Grundbegriffe",
    "Historische Entwicklung",
    "Aktuelle Debatten",
    "Methoden und Belege",
    "Fallstudien",
    "Kritische Würdigung",
    "Folgerungen für die Praxis",
    "Fazit",
  ],
  fr: [
    "Introduction",
    "Contexte et notions clés",
    "Évolution historique",
    "Débats actuels",
    "Méthodes et données",
    "Études de cas",
    "Évaluation critique",
    "Implications pratiques",
    "Conclusion",
  ],
  es: [
    "Introducción",
    "Antecedentes y conceptos clave",
    "Evolución histórica",
    "Debates actuales",
    "Métodos y datos",
    "Estudios de caso",
    "Evaluación crítica",
    "Implicaciones prácticas",
    "Conclusión",
  ],
  it: [
    "Introduzione",
    "Contesto e concetti chiave",
    "Sviluppo storico",
    "Dibattiti attuali",
    "Metodi e dati",
    "Casi di studio",
    "Valutazione critica",
    "Implicazioni pratiche",
    "Conclusione",
  ],
  pl: [
    "Wstęp",
    "Tło i kluczowe pojęcia",
    "Rozwój historyczny",
    "Współczesne debaty",
    "Metody i dane",
    "Studia przypadków",
    "Ocena krytyczna",
    "Wnioski dla praktyki",
    "Zakończenie",
  ],
};

/** A deterministic generator of numbers in [0, 1). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const countWords = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Paragraphs of 80–160 words, exactly `words` in all, from the language's sentences in shuffled rounds. */
function prose(language: string, words: number, seed: number): string[] {
  const pool = SENTENCES[language];
  const next = random(seed);
  let round: string[] = [];
  const sentence = () => {
    if (!round.length) round = [...pool].sort(() => next() - 0.5);
    return round.pop()!;
  };
  const paragraphs: string[] = [];
  let left = words;
  while (left > 0) {
    let target = Math.min(left, 80 + Math.floor(next() * 81));
    if (left - target < 40) target = left; // no stub paragraph at the end
    const parts: string[] = [];
    let count = 0;
    while (count < target) {
      const all = sentence().split(" ");
      const taken = all.slice(0, target - count);
      if (taken.length < all.length) {
        // A sentence cut short still ends like one, without an open bracket.
        const cut = taken.join(" ").replace(/[,;:.«»]+$/, "") + ".";
        parts.push(cut.lastIndexOf("(") > cut.lastIndexOf(")") ? cut.replace(/\((?!.*\()/, "") : cut);
      } else parts.push(taken.join(" "));
      count += taken.length;
    }
    paragraphs.push(parts.join(" "));
    left -= count;
  }
  return paragraphs;
}

const DATE = new Date("2026-11-21T10:00:00Z");

/** An order of `pages` pages whose sections carry exactly their word budgets, as the outline plans them. */
function order(
  language: string,
  pages: number,
  extra: Partial<Parameters<typeof createExportDocument>[0]> = {},
): ExportDocument {
  const count = sectionCount(pages);
  const headings = HEADINGS[language];
  const sections = wordBudgets(pages, language, count).map((budget, i) => ({
    heading:
      i === 0
        ? headings[0]
        : i === count - 1
          ? headings[headings.length - 1]
          : headings[1 + ((i - 1) % (headings.length - 2))],
    content: prose(language, budget, 1000 + i).join("\n\n"),
  }));
  return createExportDocument({
    title: TITLES[language],
    author: null,
    institution: null,
    date: DATE,
    language,
    kind: "term_paper",
    sections,
    bibliography: REFERENCES,
    offlineDemo: false,
    ...extra,
  });
}

const TITLES: Record<string, string> = {
  en: "Renewable Energy Policy and Regional Growth in the European Union",
  uk: "Політика підтримки відновлюваної енергетики в Україні: її ґрунтовні засади та європейський досвід",
  it: "Politiche per le energie rinnovabili e crescita regionale nell'Unione europea",
  ru: "Политика поддержки возобновляемой энергетики и региональный рост",
  de: "Förderpolitik für erneuerbare Energien und regionales Wachstum in der Europäischen Union",
  fr: "Politiques de soutien aux énergies renouvelables et croissance régionale dans l'Union européenne",
  es: "Políticas de apoyo a las energías renovables y crecimiento regional en la Unión Europea",
  pl: "Polityka wspierania odnawialnych źródeł energii a wzrost regionalny w Unii Europejskiej",
};

const REFERENCES = [
  "Jacobsson, S., & Lauber, V. (2006). The politics and policy of energy system transformation: Explaining the German diffusion of renewable energy technology. Energy Policy, 34(3), 256–276. https://doi.org/10.1016/j.enpol.2004.08.029",
  "Кудря, С. О. (2019). Відновлювана енергетика: джерела, обладнання, технології. Київ: Інститут відновлюваної енергетики НАН України.",
  "Walker, G., Devine-Wright, P., Hunter, S., High, H., & Evans, B. (2010). Trust and community: Exploring the meanings, contexts and dynamics of community renewable energy. Energy Policy, 38(6), 2655–2663. https://doi.org/10.1016/j.enpol.2009.05.055",
  "Żukowska, M., & Łukasiewicz, P. (2021). Energetyka obywatelska w Polsce. Warszawa: Wydawnictwo Naukowe PWN.",
];

const squash = (text: string) => text.replace(/\s+/g, " ").trim();

async function docxText(buffer: Buffer): Promise<{ raw: string; html: string }> {
  const [raw, html] = await Promise.all([mammoth.extractRawText({ buffer }), mammoth.convertToHtml({ buffer })]);
  return { raw: squash(raw.value), html: html.value };
}

/** The h1/h2 headings of mammoth's HTML, in order, as "h1 Text". */
function htmlHeadings(html: string): string[] {
  return [...html.matchAll(/<(h[12])>(.*?)<\/\1>/g)].map(([, tag, inner]) => `${tag} ${inner.replace(/<[^>]+>/g, "")}`);
}

/** Each page's text on one line; a line that ends after a word's hyphen runs on into the next without a space. */
async function pdfPages(buffer: Buffer): Promise<string[]> {
  const pdf = await getDocumentProxy(new Uint8Array(buffer));
  const { text } = await extractText(pdf, { mergePages: false });
  return (text as string[]).map((page) => squash(page.replace(/(?<=\p{L}-)\n(?=\p{L})/gu, "")));
}

/** The pages after the contents, without their page numbers, as one text. */
const bodyText = (pages: string[]) =>
  pages
    .slice(2)
    .map((page) => page.replace(/ \d+$/, ""))
    .join(" ");

/** One part of a DOCX (a ZIP), as text. */
function docxPart(buffer: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true }, (error, zip) => {
      if (error || !zip) return reject(error);
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== name) return zip.readEntry();
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError || !stream) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => {
            zip.close();
            resolve(Buffer.concat(chunks).toString("utf8"));
          });
        });
      });
      zip.on("end", () => reject(new Error(`${name} is not in the DOCX`)));
      zip.readEntry();
    });
  });
}

// pdfkit and fontkit report font trouble through console.warn: rendering must stay silent.
let warn: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  warn = vi.spyOn(console, "warn");
});
afterEach(() => {
  expect(warn).not.toHaveBeenCalled();
  warn.mockRestore();
});

describe("the DOCX", () => {
  const model = (): ExportDocument => {
    const base = order("en", 5, { author: "Maria Rossi", institution: "University of Bologna" });
    // A sub-section, to see heading levels come back.
    base.sections.splice(2, 0, { heading: "Feed-in tariffs and auctions", level: 2, paragraphs: prose("en", 120, 7) });
    return base;
  };

  it("reads back with the title page, the headings in order as h1/h2, the body and the bibliography", async () => {
    const doc = model();
    const { raw, html } = await docxText(await renderDocx(doc));
    expect(raw.startsWith(`University of Bologna Term paper ${doc.title} Maria Rossi Contents`)).toBe(true);
    expect(htmlHeadings(html)).toEqual([...doc.sections.map((s) => `h${s.level} ${s.heading}`), "h1 References"]);
    for (const section of doc.sections) for (const paragraph of section.paragraphs) expect(raw).toContain(paragraph);
    expect(raw).toContain("(Jacobsson & Lauber, 2006)");
    const bibliography = raw.slice(raw.lastIndexOf("References"));
    for (const entry of REFERENCES) expect(bibliography).toContain(entry);
    expect(raw).not.toContain(EXPORT_LABELS.en.offlineDemo);
  });

  it("has a contents field with page numbers, the date and page numbers in footers, the language, the fonts and hanging references", async () => {
    const doc = model();
    const buffer = await renderDocx(doc, (await renderPdf(doc)).contents);
    const [document, styles, settings, fonts] = await Promise.all(
      ["word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml"].map((part) =>
        docxPart(buffer, part),
      ),
    );
    expect(document).toContain("TOC \\h \\o &quot;1-2&quot;");
    expect(document).toMatch(/<w:titlePg\/>/);
    expect(settings).toContain("<w:updateFields/>");
    expect(styles).toMatch(
      /<w:rPrDefault><w:rPr><w:rFonts w:ascii="DejaVu Serif"[^>]*\/><w:sz w:val="24"\/><w:szCs w:val="24"\/><w:lang w:val="en-GB"\/>/,
    );
    expect(styles).toMatch(
      /<w:style w:type="paragraph" w:styleId="Bibliography">.*?<w:ind w:left="709" w:hanging="709"\/>/,
    );
    expect(styles).toMatch(
      /<w:style w:type="paragraph" w:styleId="BodyText">.*?<w:spacing w:after="0" w:before="0" w:line="360"\/><w:ind w:firstLine="709"\/><w:jc w:val="both"\/>/,
    );
    expect(fonts).toMatch(/<w:font w:name="DejaVu Serif">.*<w:embedRegular .*<w:embedBold .*<w:embedItalic /);
    const footers = await Promise.all(["word/footer1.xml", "word/footer2.xml"].map((part) => docxPart(buffer, part)));
    expect(footers.join("")).toContain(formatTitleDate(DATE, "en"));
    expect(footers.join("")).toContain("PAGE");
    // The contents are written with the PDF's page numbers, not left blank until Word updates them, and link to
    // bookmarks on their headings.
    const { raw } = await docxText(buffer);
    expect(raw).toMatch(/Introduction\s+3 Background and key concepts\s+3/);
    expect(document).toContain('w:fldCharType="begin" w:dirty="false"');
    for (let i = 1; i <= doc.sections.length + 1; i++) {
      expect(document).toContain(`w:anchor="heading_${i}"`);
      expect(document).toContain(`w:name="heading_${i}"`);
    }
  });

  it("numbers its contents as the PDF does, and Word lays it out on as many pages", async () => {
    const doc = order("en", 12);
    doc.sections.splice(3, 0, { heading: "A sub-section in the middle", level: 2, paragraphs: prose("en", 300, 11) });
    const pdf = await renderPdf(doc);
    const { raw } = await docxText(await renderDocx(doc, pdf.contents));
    // From "Contents" to the first heading's second appearance (its first is its contents line).
    const start = raw.indexOf("Contents") + "Contents".length;
    const contents = raw.slice(
      start,
      raw.indexOf(doc.sections[0].heading, raw.indexOf(doc.sections[0].heading, start) + 1),
    );
    expect(pdf.contents.map((line) => line.title)).toEqual([...doc.sections.map((s) => s.heading), "References"]);
    expect(new Set(pdf.contents.map((line) => line.page)).size).toBeGreaterThan(5);
    expect(contents.replace(/\s+/g, " ").trim()).toBe(
      pdf.contents.map((line) => `${line.title} ${line.page}`).join(" "),
    );
    // docx's own layout of the DOCX (Word's rules) puts every heading on the page its contents line names.
    const { pages } = layoutDocument(buildDocx(doc, pdf.contents));
    expect(pages).toHaveLength(pdf.pageCount);
    const bodyFrom = 2; // after the title page and the one page of contents
    const pageOf = (title: string) =>
      1 +
      pages.findIndex(
        (page, i) =>
          i >= bodyFrom &&
          page.body.some((b) => b.type === "paragraph" && b.lines.some((l) => l.text.trim() === title)),
      );
    expect(pdf.contents.map((line) => pageOf(line.title))).toEqual(pdf.contents.map((line) => line.page));
  });
});

describe("the PDF", () => {
  it("reads back with the title page, contents with page numbers, the headings in order, the body and the bibliography", async () => {
    const doc = order("en", 5, { author: "Maria Rossi", institution: "University of Bologna" });
    const { buffer, pageCount } = await renderPdf(doc);
    const pages = await pdfPages(buffer);
    expect(pages).toHaveLength(pageCount);
    expect(pages[0]).toBe(`University of Bologna Term paper ${doc.title} Maria Rossi ${formatTitleDate(DATE, "en")}`);
    expect(pages[1]).toMatch(/^Contents Introduction[ .]+3 Background and key concepts[ .]+3 .* References[ .]+\d+ 2$/);

    const body = bodyText(pages);
    let at = -1;
    for (const heading of [...doc.sections.map((s) => s.heading), "References"]) {
      const next = body.indexOf(heading, at + 1);
      expect(next, heading).toBeGreaterThan(at);
      at = next;
    }
    for (const section of doc.sections) for (const paragraph of section.paragraphs) expect(body).toContain(paragraph);
    const bibliography = pages.at(-1)!;
    expect(bibliography.startsWith("References")).toBe(true);
    for (const entry of REFERENCES) expect(bibliography).toContain(entry);

    const pdf = await getDocumentProxy(new Uint8Array(buffer));
    expect((await pdf.getMetadata()).info).toMatchObject({
      Title: doc.title,
      Author: "Maria Rossi",
      Language: "en-GB",
    });
    expect(buffer.toString("latin1")).toMatch(/\/BaseFont \/[A-Z]{6}\+DejaVuSerif\b/);
  });

  it("numbers every page but the title page in the footer", async () => {
    const { buffer, pageCount } = await renderPdf(order("en", 5));
    const pages = await pdfPages(buffer);
    expect(pages[0]).not.toMatch(/ 1$/);
    for (let i = 1; i < pageCount; i++) expect(pages[i].endsWith(` ${i + 1}`), `page ${i + 1}`).toBe(true);
  });
});

describe("pages", () => {
  // The body is counted from the first section's page to the page of its last line: the title page, the contents and
  // the bibliography (which starts on a page of its own) are not counted.
  it.each([
    ["en", 10],
    ["uk", 20],
  ])(
    "a %s order of %i pages whose sections carry their word budgets has that many body pages, ±10 %",
    async (language, pages) => {
      const doc = order(language, pages);
      const words = doc.sections.reduce((n, s) => n + s.paragraphs.reduce((m, p) => m + countWords(p), 0), 0);
      expect(words).toBe(pages * wordsPerPage(language));
      const { bodyPageCount, pageCount } = await renderPdf(doc);
      expect(Math.abs(bodyPageCount - pages)).toBeLessThanOrEqual(pages * 0.1);
      // Word lays the DOCX out on the same pages: same font, spacing and line breaking.
      const docx = layoutDocument(buildDocx(doc));
      expect(docx.stoppedAt).toBeUndefined();
      expect(docx.pages).toHaveLength(pageCount);
    },
  );

  it.each(LANGUAGE_CODES)("words per page in %s fill 5 and 12 ordered pages within ±10 %", async (language) => {
    for (const pages of [5, 12]) {
      const { bodyPageCount } = await renderPdf(order(language, pages));
      expect(Math.abs(bodyPageCount - pages), `${pages} pages`).toBeLessThanOrEqual(pages * 0.1);
    }
  });
});

describe("languages", () => {
  it("a Ukrainian order comes back in Cyrillic, ї, є, ґ and ʼ included, from both files", async () => {
    const doc = order("uk", 5, {
      author: "Олена Ковальчук",
      institution: "Київський національний університет імені Тараса Шевченка",
    });
    const [{ raw, html }, { buffer }] = await Promise.all([renderDocx(doc).then(docxText), renderPdf(doc)]);
    const pages = await pdfPages(buffer);
    const pdf = [pages[0], bodyText(pages)].join(" ");
    const samples = [
      doc.title,
      "Олена Ковальчук",
      "Київський національний університет імені Тараса Шевченка",
      ...SENTENCES.uk.slice(0, 9),
    ];
    expect(samples.join(" ")).toMatch(/ї.*є.*ґ|ґ.*є.*ї|є.*ї.*ґ/s);
    expect(samples.join(" ")).toContain("ʼ");
    for (const text of samples) {
      expect(raw).toContain(text);
      expect(pdf).toContain(text);
    }
    expect(htmlHeadings(html).at(-1)).toBe("h1 Список використаних джерел");
    expect(pages[0]).toContain("Курсова робота");
    expect(pages[0]).toContain(formatTitleDate(DATE, "uk"));
    expect(pages[1].startsWith("Зміст Вступ")).toBe(true);
    expect(pages.at(-1)).toContain("Кудря, С. О. (2019). Відновлювана енергетика: джерела, обладнання, технології.");
  });

  it("a Polish order keeps ż, ł and the other diacritics in both files", async () => {
    const doc = order("pl", 5);
    const [{ raw }, { buffer }] = await Promise.all([renderDocx(doc).then(docxText), renderPdf(doc)]);
    const pages = await pdfPages(buffer);
    expect(raw).toContain(doc.title);
    expect(pages[0]).toContain(doc.title);
    const pdf = bodyText(pages);
    for (const text of [...SENTENCES.pl, REFERENCES[3]]) {
      expect(raw).toContain(text);
      expect(pdf).toContain(text);
    }
  });
});

describe("notes", () => {
  it("a document without sources shows the no-sources note instead of a bibliography", async () => {
    for (const language of ["en", "uk", "ru", "de"] as const) {
      const doc = order(language, 5, { bibliography: [] });
      expect(doc.bibliography).toBeNull();
      const note = EXPORT_LABELS[language].noSources;
      expect(doc.noSourcesNote).toBe(note);
      const [{ raw }, { buffer }] = await Promise.all([renderDocx(doc).then(docxText), renderPdf(doc)]);
      const last = (await pdfPages(buffer)).at(-1)!;
      expect(raw.endsWith(`${EXPORT_LABELS[language].references} ${note}`)).toBe(true);
      expect(last.startsWith(`${EXPORT_LABELS[language].references} ${note}`)).toBe(true);
      for (const entry of REFERENCES) {
        expect(raw).not.toContain(entry);
        expect(last).not.toContain(entry);
      }
    }
    expect(order("en", 5, { bibliography: [] }).noSourcesNote).toBe(
      "This document has no references: no scholarly source could be reached when it was written.",
    );
  });

  it("an offline demo says so on the title page of both files", async () => {
    const doc = order("en", 5, { offlineDemo: true });
    const [{ raw }, { buffer }] = await Promise.all([renderDocx(doc).then(docxText), renderPdf(doc)]);
    const { offlineDemo, offlineDemoNote } = EXPORT_LABELS.en;
    expect(raw).toContain(`${doc.title} ${offlineDemo} ${offlineDemoNote} Contents`);
    expect((await pdfPages(buffer))[0]).toContain(`${offlineDemo} ${offlineDemoNote}`);
  });
});
