// The fake writers' words in each order language: every word is one the language's spelling dictionary accepts
// (tests/fakes/fake-words.test.ts checks them with the grammar gate's own checker), so a fake document fails a gate
// only when a test means it to. The sentences are word salad on purpose; only the spelling is real.

export type FakeLanguage = "en" | "uk" | "it" | "ru" | "de" | "fr" | "es" | "pl";

export type FakeWords = {
  /** Said before each adjective–noun phrase; English only (the others read without articles). */
  article: string | null;
  nouns: string[];
  adjectives: string[];
  links: string[];
  verbs: string[];
  /** "This section considers": the lead of each key point a section takes up. */
  considers: string;
  /** The word the fake outline names its key points with ("point 1a"). */
  point: string;
  introduction: string;
  conclusion: string;
  /** A middle chapter's heading. */
  chapter: (index: number, topic: string) => string;
  brief: (part: number, topic: string) => string;
};

const words = (list: string) => list.trim().split(/\s+/);

// Plain English words (all in the spelling dictionary), many of them, so random 5-word runs rarely repeat across the
// many documents a test run delivers (the uniqueness gate compares every new section with all of them).
const ENGLISH: FakeWords = {
  article: "the",
  nouns: words(`
    research evidence analysis argument theory method context history society policy framework debate outcome practice
    data model study review approach question answer problem solution system process structure culture economy
    institution community region network market value change growth risk impact effect cause pattern trend factor
    measure result finding claim source author reader student teacher school city nation law right duty power
    language meaning concept principle position perspective tradition reform crisis conflict balance scale period
    budget harbour railway village factory hospital library museum archive census election parliament court union
    farmer worker migrant family household neighbour village river forest coast island border bridge canal road
    winter summer century decade generation audience customer supplier partner rival leader citizen voter official
    contract treaty license patent invention machine engine vehicle device platform program software signal channel
    water energy carbon climate weather harvest soil mineral metal timber cotton wheat coffee sugar salt
    price wage tax debt loan savings profit income cost demand supply trade export import currency bank
    story novel poem image painting film song theatre festival ritual belief faith myth memory identity emotion
    health disease treatment vaccine diet sleep exercise stress therapy surgery patient nurse doctor clinic
    garden kitchen table window street square station airport port market office studio laboratory classroom`),
  adjectives: words(`
    local national regional global early late modern ancient rural urban public private formal informal social
    economic political cultural legal moral practical technical medical digital physical natural human
    small large narrow broad recent former central marginal stable fragile visible hidden direct indirect
    careful rapid gradual sudden partial complete common rare shared distinct`),
  links: words("of in for with under across between within through beyond near against"),
  verbs: words(
    "shows suggests explains reveals shapes limits supports questions extends clarifies changes weakens strengthens follows",
  ),
  considers: "This section considers",
  point: "point",
  introduction: "Introduction",
  conclusion: "Conclusion",
  chapter: (i, topic) => `Fake chapter ${i} on ${topic}`,
  brief: (part, topic) => `What part ${part} argues about ${topic}.`,
};

const UKRAINIAN: FakeWords = {
  article: null,
  nouns: words(`
    аналіз дослідження економіка політика суспільство освіта технологія система процес структура культура ринок
    громада регіон мережа розвиток вплив зміна ризик результат джерело автор студент вчитель школа місто держава
    право мова поняття принцип реформа криза конфлікт баланс період бюджет залізниця село завод лікарня бібліотека
    музей архів парламент суд родина річка ліс кордон міст дорога зима літо століття покоління клієнт партнер
    лідер громадянин договір машина пристрій платформа програма сигнал вода енергія клімат ціна податок борг
    прибуток торгівля валюта банк лікування дієта терапія пацієнт лікар сад кухня вулиця площа вокзал аеропорт
    офіс лабораторія управління послуга закон праця`),
  adjectives: words(`
    місцевий національний регіональний глобальний сучасний давній сільський міський публічний приватний соціальний
    економічний політичний культурний правовий практичний технічний медичний цифровий природний малий великий
    новий стабільний прямий повний спільний`),
  links: words("в у для з між через біля проти після серед"),
  verbs: words(
    "показує пояснює обмежує підтримує змінює посилює визначає формує розкриває уточнює розширює відображає",
  ),
  considers: "Цей розділ розглядає",
  point: "пункт",
  introduction: "Вступ",
  conclusion: "Висновки",
  chapter: (i, topic) => `Розділ ${i}. ${topic}`,
  brief: (part, topic) => `Частина ${part}: ${topic}.`,
};

const RUSSIAN: FakeWords = {
  article: null,
  nouns: words(`
    анализ исследование экономика политика общество образование технология система процесс структура культура
    рынок община регион сеть развитие влияние изменение риск результат источник автор студент учитель школа город
    государство право язык понятие принцип реформа кризис конфликт баланс период бюджет деревня завод больница
    библиотека музей архив выборы парламент суд семья река лес граница мост дорога зима лето столетие поколение
    клиент лидер гражданин договор машина устройство платформа программа сигнал вода энергия климат почва цена
    налог долг прибыль торговля валюта банк лечение терапия пациент врач сад кухня улица площадь вокзал аэропорт
    офис лаборатория управление услуга закон труд`),
  adjectives: words(`
    местный национальный региональный глобальный современный древний сельский городской публичный частный
    социальный экономический политический культурный правовой практический технический медицинский цифровой
    природный малый большой новый стабильный прямой полный общий`),
  links: words("в для с между через около против после среди вокруг"),
  verbs: words(
    "показывает объясняет ограничивает поддерживает изменяет усиливает определяет формирует раскрывает уточняет расширяет отражает",
  ),
  considers: "Этот раздел рассматривает",
  point: "пункт",
  introduction: "Введение",
  conclusion: "Заключение",
  chapter: (i, topic) => `Глава ${i}. ${topic}`,
  brief: (part, topic) => `Часть ${part}: ${topic}.`,
};

const POLISH: FakeWords = {
  article: null,
  nouns: words(`
    analiza badanie gospodarka polityka społeczeństwo edukacja technologia system proces struktura kultura rynek
    wspólnota region sieć rozwój wpływ zmiana ryzyko wynik źródło autor student nauczyciel szkoła miasto państwo
    prawo język pojęcie zasada reforma kryzys konflikt równowaga okres budżet kolej wieś fabryka szpital biblioteka
    muzeum archiwum wybory parlament sąd rodzina rzeka las granica most droga zima lato stulecie pokolenie klient
    partner lider obywatel umowa maszyna urządzenie platforma program sygnał woda energia klimat gleba cena podatek
    dług zysk handel waluta bank leczenie terapia pacjent lekarz ogród kuchnia ulica plac dworzec lotnisko biuro
    laboratorium ustawa praca`),
  adjectives: words(`
    lokalny krajowy regionalny globalny nowoczesny dawny wiejski miejski publiczny prywatny społeczny gospodarczy
    polityczny kulturowy prawny praktyczny techniczny medyczny cyfrowy naturalny mały duży nowy stabilny
    bezpośredni pełny wspólny`),
  links: words("w dla z między przez obok przeciw po wśród wokół"),
  verbs: words(
    "pokazuje wyjaśnia ogranicza wspiera zmienia wzmacnia określa kształtuje ujawnia precyzuje rozszerza odzwierciedla",
  ),
  considers: "Ten rozdział omawia",
  point: "punkt",
  introduction: "Wstęp",
  conclusion: "Zakończenie",
  chapter: (i, topic) => `Rozdział ${i}. ${topic}`,
  brief: (part, topic) => `Część ${part}: ${topic}.`,
};

const GERMAN: FakeWords = {
  article: null,
  nouns: words(`
    Analyse Forschung Wirtschaft Politik Gesellschaft Bildung Technologie System Prozess Struktur Kultur Markt
    Gemeinde Region Netz Entwicklung Einfluss Wandel Risiko Ergebnis Quelle Autor Student Lehrer Schule Stadt
    Staat Recht Sprache Begriff Prinzip Reform Krise Konflikt Ordnung Epoche Etat Bahn Dorf Fabrik
    Bibliothek Museum Archiv Wahl Parlament Gericht Familie Fluss Wald Grenze Brücke Straße Winter Sommer
    Jahrhundert Generation Kunde Partner Bürger Vertrag Maschine Gerät Plattform Programm Signal Wasser Energie
    Klima Boden Preis Steuer Schuld Gewinn Handel Währung Bank Behandlung Therapie Patient Arzt Garten Küche Platz
    Hafen Halle Büro Labor Gesetz Arbeit`),
  adjectives: words(`
    lokale nationale regionale globale moderne alte ländliche städtische öffentliche private soziale
    wirtschaftliche politische kulturelle rechtliche praktische technische medizinische digitale natürliche kleine
    große neue stabile direkte vollständige gemeinsame`),
  links: words("in für mit zwischen durch neben gegen nach unter über bei"),
  verbs: words("zeigt erklärt begrenzt stützt verändert stärkt bestimmt prägt enthüllt erweitert spiegelt formt"),
  considers: "Dieser Abschnitt behandelt",
  point: "Punkt",
  introduction: "Einleitung",
  conclusion: "Fazit",
  chapter: (i, topic) => `Kapitel ${i}: ${topic}`,
  brief: (part, topic) => `Teil ${part}: ${topic}.`,
};

const FRENCH: FakeWords = {
  article: null,
  nouns: words(`
    analyse recherche économie société éducation technologie système processus structure culture marché communauté
    région réseau développement influence changement risque résultat source auteur étudiant enseignant école ville
    nation droit langue concept principe réforme crise conflit équilibre période budget village usine hôpital
    bibliothèque musée archive élection parlement tribunal famille rivière forêt frontière pont route hiver été
    siècle génération client partenaire citoyen contrat traité machine appareil plateforme programme signal eau
    énergie climat sol prix impôt dette profit commerce monnaie banque traitement thérapie patient médecin jardin
    cuisine rue place gare aéroport bureau laboratoire loi travail`),
  adjectives: words(`
    local national régional global moderne ancien rural urbain public privé social économique politique culturel
    juridique pratique technique médical numérique naturel petit grand nouveau stable direct complet commun`),
  links: words("de dans pour avec entre par contre après parmi selon"),
  verbs: words("montre explique limite soutient change renforce définit façonne révèle précise élargit reflète"),
  considers: "Cette section examine",
  point: "point",
  introduction: "Introduction",
  conclusion: "Conclusion",
  chapter: (i, topic) => `Chapitre ${i} : ${topic}`,
  brief: (part, topic) => `Partie ${part} : ${topic}.`,
};

const SPANISH: FakeWords = {
  article: null,
  nouns: words(`
    análisis investigación economía política sociedad educación tecnología sistema proceso estructura cultura
    mercado comunidad región red desarrollo influencia cambio riesgo resultado fuente autor estudiante maestro
    escuela ciudad nación derecho lengua concepto principio reforma crisis conflicto equilibrio período presupuesto
    ferrocarril pueblo fábrica hospital biblioteca museo archivo elección parlamento tribunal familia río bosque
    frontera puente camino invierno verano siglo generación cliente socio ciudadano contrato tratado máquina
    dispositivo plataforma programa señal agua energía clima suelo precio impuesto deuda beneficio comercio moneda
    banco tratamiento terapia paciente médico jardín cocina calle plaza estación aeropuerto oficina laboratorio ley
    trabajo`),
  adjectives: words(`
    local nacional regional global moderno antiguo rural urbano público privado social económico cultural jurídico
    práctico técnico digital natural pequeño grande nuevo estable directo completo común`),
  links: words("de en para con entre por contra tras sobre según desde"),
  verbs: words("muestra explica limita apoya cambia refuerza define configura revela precisa amplía refleja"),
  considers: "Esta sección examina",
  point: "punto",
  introduction: "Introducción",
  conclusion: "Conclusión",
  chapter: (i, topic) => `Capítulo ${i}: ${topic}`,
  brief: (part, topic) => `Parte ${part}: ${topic}.`,
};

const ITALIAN: FakeWords = {
  article: null,
  nouns: words(`
    analisi ricerca economia politica società istruzione tecnologia sistema processo struttura cultura mercato
    comunità regione rete sviluppo influenza cambiamento rischio risultato fonte autore studente insegnante scuola
    città nazione diritto lingua concetto principio riforma crisi conflitto equilibrio periodo bilancio ferrovia
    villaggio fabbrica ospedale biblioteca museo archivio elezione parlamento tribunale famiglia fiume foresta
    confine ponte strada inverno estate secolo generazione cliente socio cittadino contratto trattato macchina
    dispositivo piattaforma programma segnale acqua energia clima terreno prezzo imposta debito profitto commercio
    moneta trattamento terapia paziente medico giardino cucina piazza stazione aeroporto ufficio laboratorio
    legge lavoro`),
  adjectives: words(`
    nazionale regionale globale moderno antico rurale urbano pubblico privato sociale economico culturale
    giuridico pratico tecnico digitale naturale piccolo grande nuovo stabile diretto completo comune`),
  links: words("in per con tra contro presso secondo"),
  verbs: words("mostra spiega limita sostiene cambia rafforza definisce modella rivela precisa amplia riflette"),
  considers: "Questa sezione esamina",
  point: "aspetto",
  introduction: "Introduzione",
  conclusion: "Conclusione",
  chapter: (i, topic) => `Capitolo ${i}: ${topic}`,
  brief: (part, topic) => `Sezione ${part}: ${topic}.`,
};

export const FAKE_WORDS: Record<FakeLanguage, FakeWords> = {
  en: ENGLISH,
  uk: UKRAINIAN,
  it: ITALIAN,
  ru: RUSSIAN,
  de: GERMAN,
  fr: FRENCH,
  es: SPANISH,
  pl: POLISH,
};

/** The words for a language code ("uk", "en-GB"); English for a language the fakes do not know. */
export function fakeWordsFor(language: string | undefined): FakeWords {
  const primary = (language ?? "en").trim().toLowerCase().split(/[-_]/)[0];
  return primary in FAKE_WORDS ? FAKE_WORDS[primary as FakeLanguage] : ENGLISH;
}
