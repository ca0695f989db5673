import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../../app/utils/db.server";
import { parseEnv } from "../../app/utils/env.server";
import type { Database } from "../../db/schema";
import { createPipelineMachinery } from "../../worker/machinery";
import { detectAi } from "../../worker/quality/ai-detection";
import { DraftCheck } from "../../worker/quality/draft";
import { sourceText, textKey } from "../../worker/quality/gate-context";
import { createGates, documentScores, qualityConfig, runGates } from "../../worker/quality/registry";
import type { GateContext, QualityConfig, QualityLog, SectionUnderCheck } from "../../worker/quality/types";
import { americanForms } from "../../worker/quality/british-spellings.mjs";
import { checkGrammar, type GrammarOptions } from "../../worker/quality/grammar";
import { checkText, guessLanguage, parseQualityArgs, summaryLine } from "../../worker/quality/report";
import {
  hashShingle,
  matchDeliveredShingles,
  normalizeText,
  shingles,
  shingleSet,
  storeDeliveredShingles,
  uniquenessScore,
} from "../../worker/quality/shingles";
import { startFakeDetectors, type FakeDetectors } from "../fakes/detectors";
import { fakeProse } from "../fakes/openai";
import { startFakeLanguageTool, type FakeLanguageTool } from "../fakes/languagetool";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

const ABSTRACT =
  "This study examines how the European Union emissions trading system affected industrial carbon emissions between 2005 " +
  "and 2015. Using plant-level data from four countries, we find that regulated firms reduced emissions by ten to fourteen " +
  "percent relative to comparable unregulated firms, without measurable losses in employment or output. The effect was " +
  "concentrated in the second trading phase, when allowance prices were higher and the cap was tighter. Our results suggest " +
  "that market-based climate policy can deliver real abatement at modest economic cost, although the size of the effect " +
  "depends strongly on the stringency of the cap.";

const COPIED = `As the literature shows, ${ABSTRACT} These findings frame the discussion in the next section.`;

const ORIGINAL =
  "Climate policy in the European Union has developed through a sequence of negotiated compromises between member states. " +
  "The emissions trading system, introduced in 2005, placed a price on carbon for power plants and heavy industry " +
  "[@ellerman2016]. Early phases suffered from an oversupply of allowances, which kept prices low and weakened the " +
  "incentive to invest in cleaner technology (see https://climate.ec.europa.eu/eu-action). Later reforms created a market " +
  "stability reserve that removes surplus allowances from circulation. Researchers generally agree that these changes " +
  "strengthened the signal, although they disagree about how much of the observed reduction in emissions can be attributed " +
  "to the policy itself rather than to the economic downturn and the falling cost of renewable energy. This section " +
  "analyses that debate, summarises the behaviour of firms in the centre of the market, and argues that the evidence " +
  "supports a moderate but significant effect, as the OECD and McKinsey have also noted.";

const MISSPELT =
  "Climat policy in the European Union has develloped throgh a sequense of negotated compromizes betwen member states. " +
  "The emisions trading sistem placed a price on carbon for power plants and and heavy industri. Erly phases sufered from " +
  "an oversuply of alowances, wich kept prices low and weakened the incentive to invest in cleaner tecnology.";

const DELIVERED =
  "The printing press transformed the circulation of knowledge in early modern Europe. Within fifty years of Gutenberg's " +
  "first Bible, workshops in more than two hundred towns were producing books, pamphlets and broadsheets for a growing " +
  "reading public. Historians have long debated whether this expansion caused the Reformation or merely accelerated " +
  "religious conflicts that were already under way, and the answer depends on how one weighs the evidence of cheap print.";

const UNRELATED =
  "Urban bicycle networks change how residents choose between short trips by car and by other means. Surveys from several " +
  "mid-sized cities suggest that protected lanes matter more than total lane length, because perceived safety drives the " +
  "decision of occasional riders far more than distance or travel time does, especially for parents with children.";

const UK_CLEAN =
  "Кліматична політика Європейського Союзу розвивалася через низку узгоджених компромісів між державами-членами. " +
  "Система торгівлі викидами, запроваджена у 2005 році, встановила ціну на вуглець для електростанцій і важкої " +
  "промисловості. Дослідники загалом погоджуються, що ці зміни посилили сигнал. Водночас вони сперечаються про те, " +
  "яка частка скорочення викидів пояснюється саме політикою.";

const UK_MISSPELT =
  "Кліматична політика Європейського Союзу розвивалася через нізку узгоджиних компромісів між державами-членами. " +
  "Система торгівлі вікидами, запроваджина у 2005 році, встановила ціну на вуглиць для електростанцій і важкої " +
  "промісловості. Дослідники загалом погоджуютьця, що ці зміни посілили сигнал.";

let testDb: TestDatabase;
let db: Db;
let detectors: FakeDetectors;
let languageTool: FakeLanguageTool;
let tmp: string;
let warnings: { details: Record<string, unknown>; message: string }[] = [];
const log: QualityLog = { warn: (details, message) => warnings.push({ details, message }) };
/** What this file's checks keep between them, as a worker's would: one machinery. */
const machinery = createPipelineMachinery();
const { gateContexts, uniqueness: checker } = machinery;
const gatesFor = (config: QualityConfig) => createGates(config, machinery);
const grammarOf = (text: string, language: string, options: Omit<GrammarOptions, "spell"> = {}) =>
  checkGrammar(text, language, { spell: machinery.spell, ...options });
/** The gates' settings from env-like values, parsed as the server parses its environment. */
const settingsOf = (source: Record<string, string>) => qualityConfig(parseEnv(source));
const defaults = settingsOf({});

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  detectors = await startFakeDetectors({ apiKey: "right-key" });
  languageTool = await startFakeLanguageTool();
  tmp = mkdtempSync(path.join(os.tmpdir(), "tesigo-quality-"));
});

afterAll(async () => {
  await machinery.close();
  await detectors?.close();
  await languageTool?.close();
  await testDb?.destroy();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  warnings = [];
  detectors.requests.length = 0;
  languageTool.requests.length = 0;
  languageTool.setMatches(null);
});

/** A passage delivered to another customer (its fingerprints stored), for the checks to find. */
async function deliverPassage(label: string) {
  const delivered = await insertDocument(`delivered for the ${label}`);
  const source = fakeProse(60, `a delivered passage for the ${label}`);
  await storeDeliveredShingles(db, delivered.document.id, [{ id: delivered.sections[0].id, text: source }]);
  return { delivered, source };
}

/** A database of its own that keeps every statement it sends. */
function countingDb(url: string): { db: Db; statements: string[] } {
  const statements: string[] = [];
  const db = new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 3 }) }),
    log: (event) => void statements.push(event.query.sql),
  });
  return { db, statements };
}

function section(text: string, extra: Partial<SectionUnderCheck> = {}): SectionUnderCheck {
  return { text, targetWords: 150, language: "en", ...extra };
}

function context(extra: Partial<GateContext> = {}): GateContext {
  return { sources: [], otherSections: [], log, ...extra };
}

async function insertDocument(label: string) {
  const user = await insertUser(db);
  const document = await db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: `${label} topic`,
      pages: 3,
      language: "en",
      price_cents: 1500,
      quality_warnings: JSON.stringify([]),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  const sections = await db
    .insertInto("sections")
    .values(
      [0, 1, 2].map((index) => ({
        document_id: document.id,
        index,
        heading: `${label} heading ${index}`,
        brief: "brief",
        target_words: 150,
      })),
    )
    .returningAll()
    .execute();
  return { document, sections };
}

describe("configuration", () => {
  it("reads thresholds and providers from env-like values, with the documented defaults", () => {
    expect(defaults).toMatchObject({
      minUniqueness: 85,
      maxGrammarErrors: 10,
      maxAiScore: 55,
      languageToolUrl: null,
      gptzero: null,
      originality: null,
    });
    const config = settingsOf({
      QUALITY_MIN_UNIQUENESS: "90",
      QUALITY_MAX_GRAMMAR_ERRORS: "",
      LANGUAGETOOL_URL: "http://localhost:8081",
      GPTZERO_API_KEY: "gz",
      ORIGINALITY_API_KEY: "oa",
      ORIGINALITY_URL: "http://127.0.0.1:1",
    });
    expect(config).toMatchObject({
      minUniqueness: 90,
      maxGrammarErrors: 10,
      languageToolUrl: "http://localhost:8081",
      gptzero: { apiKey: "gz", url: "https://api.gptzero.me" },
      originality: { apiKey: "oa", url: "http://127.0.0.1:1" },
    });
    expect(() => settingsOf({ QUALITY_MIN_UNIQUENESS: "lots", LANGUAGETOOL_URL: "localhost" })).toThrow(
      /QUALITY_MIN_UNIQUENESS[^]*LANGUAGETOOL_URL/,
    );
  });
});

/** cyrb53 as published (bryc, public domain), over a whole string: the reference hashShingle must equal. */
function cyrb53(text: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

describe("shingles", () => {
  it("normalises case, accents, punctuation and whitespace, in any script", () => {
    expect(normalizeText("  Élan, VITAL!\n\tcafé—crème [@key2020] 42 ")).toBe("elan vital cafe creme 42");
    expect(normalizeText("Кліматична  ПОЛІТИКА, Європейського союзу; її йод ёлка")).toBe(
      "кліматична політика європеиського союзу іі иод елка",
    );
    expect(shingleSet("The Cat sat on the MAT.")).toEqual(shingleSet("the cat, sat on — the mat"));
    expect(shingles("one two three four").hashes).toEqual([]);
  });

  it("hashes to non-negative safe integers, the same every time, that Postgres stores as bigint", async () => {
    const hash = hashShingle(["a", "b", "c", "d", "e"]);
    expect(Number.isSafeInteger(hash) && hash >= 0).toBe(true);
    expect(hashShingle(["a", "b", "c", "d", "e"])).toBe(hash);
    // Stored fingerprints depend on this exact definition: cyrb53 of the words joined by single spaces.
    for (const words of [
      ["a", "b", "c", "d", "e"],
      ["élan", "vital", "кліматична", "42", "x"],
      ["the", "cat", "sat", "on", "mat"],
    ]) {
      expect(hashShingle(words)).toBe(cyrb53(words.join(" ")));
    }
    expect(hash).toBe(3873735813084286);
    // Word boundaries count: "ab c" is not "a bc".
    expect(hashShingle(["ab", "c", "d", "e", "f"])).not.toBe(hashShingle(["a", "bc", "d", "e", "f"]));
    // A window of a longer list hashes as those words alone.
    expect(hashShingle(["x", "a", "b", "c", "d", "e", "y"], 1, 5)).toBe(hash);
    const all = shingles(ORIGINAL).hashes;
    expect(new Set(all).size).toBeGreaterThan(all.length * 0.95);
    expect(all.every((h) => Number.isSafeInteger(h) && h >= 0)).toBe(true);
    const { rows } = await sql<{
      back: string;
    }>`select unnest(string_to_array(${all.join(",")}, ',')::bigint[])::text as back`.execute(db);
    expect(rows.map((r) => Number(r.back))).toEqual(all);
  });

  it("scores the share of a text's shingles found nowhere else", () => {
    const own = shingleSet("one two three four five six seven");
    expect(uniquenessScore(own, [])).toBe(100);
    expect(uniquenessScore(own, [shingleSet("one two three four five")])).toBeCloseTo(66.67, 1);
    expect(uniquenessScore(own, [shingleSet("Zero one two three four five six seven eight")])).toBe(0);
    expect(uniquenessScore(new Set(), [])).toBeNull();
  });
});

describe("uniqueness gate", () => {
  const [uniqueness] = gatesFor(defaults);

  it("fails a section copied from a source's abstract, quoting the copied passage and naming the source", async () => {
    const result = await uniqueness.check(
      section(COPIED),
      context({ sources: [{ key: "dechezlepretre2023", title: "The joint impact of the EU ETS", text: ABSTRACT }] }),
    );
    expect(result.gate).toBe("uniqueness");
    expect(result.score).toBeLessThan(85);
    expect(result.passed).toBe(false);
    expect(result.feedback[0]).toMatch(/^Only \d+(\.\d)?% of this section is original \(at least 85% is required\)/);
    expect(result.feedback[0]).toMatch(/own words/);
    expect(result.feedback[1]).toMatch(
      /^This passage repeats source \[@dechezlepretre2023\]: "This study examines how the European Union/,
    );
  });

  it("passes an original section on the same subject", async () => {
    const result = await uniqueness.check(section(ORIGINAL), context({ sources: [{ key: "d2023", text: ABSTRACT }] }));
    expect(result).toEqual({ gate: "uniqueness", score: 100, passed: true, feedback: [] });
  });

  it("finds a copy across case, accents and punctuation, in Cyrillic too", async () => {
    const source = UK_CLEAN;
    const copy = UK_CLEAN.toUpperCase().replace(/,/g, " ").replace(/\. /g, "; ");
    const result = await uniqueness.check(section(copy, { language: "uk" }), context({ sources: [{ text: source }] }));
    expect(result.score).toBeLessThan(50);
    expect(result.passed).toBe(false);
  });

  it("fails a section that repeats another section of the same document", async () => {
    const result = await uniqueness.check(
      section(ORIGINAL),
      context({ otherSections: [{ index: 0, heading: "Introduction", text: ORIGINAL }] }),
    );
    expect(result.score).toBe(0);
    expect(result.feedback[1]).toMatch(
      /^This passage repeats the section "Introduction" of this document: "Climate policy/,
    );
  });

  it("names the source when a passage is both in a source and in another section (the writer can cite a source)", async () => {
    const result = await uniqueness.check(
      section(COPIED),
      context({
        sources: [{ key: "dechezlepretre2023", text: ABSTRACT }],
        otherSections: [{ index: 0, heading: "Introduction", text: ABSTRACT }],
      }),
    );
    expect(result.passed).toBe(false);
    expect(result.feedback[1]).toMatch(/^This passage repeats source \[@dechezlepretre2023\]/);
    expect(result.feedback.join("\n")).not.toMatch(/Introduction/);
  });

  it("compares with every section delivered before, through the shingles table", async () => {
    const first = await insertDocument("first");
    const second = await insertDocument("second");
    await db.updateTable("sections").set({ content: DELIVERED }).where("id", "=", first.sections[0].id).execute();

    const stored = await storeDeliveredShingles(db, first.document.id, [
      { id: first.sections[0].id, text: DELIVERED },
      { id: first.sections[1].id, text: null },
    ]);
    expect(stored).toBe(shingleSet(DELIVERED).size);
    // Delivery may run twice (a redelivered job): nothing is stored twice.
    expect(await storeDeliveredShingles(db, first.document.id, [{ id: first.sections[0].id, text: DELIVERED }])).toBe(
      0,
    );

    const copy = `In short, ${DELIVERED.replace("Historians have", "Scholars have")}`;
    const copied = await uniqueness.check(section(copy, { documentId: second.document.id }), context({ db }));
    expect(copied.score).toBeLessThan(85);
    expect(copied.passed).toBe(false);
    expect(copied.feedback.join("\n")).toMatch(
      /This passage repeats a text delivered before: "The printing press transformed/,
    );

    const unrelated = await uniqueness.check(section(UNRELATED, { documentId: second.document.id }), context({ db }));
    expect(unrelated).toMatchObject({ score: 100, passed: true, feedback: [] });

    // The delivered document's own sections are not held against it (a re-check after delivery).
    const own = await uniqueness.check(section(DELIVERED, { documentId: first.document.id }), context({ db }));
    expect(own.score).toBe(100);
    expect((await matchDeliveredShingles(db, shingles(DELIVERED).hashes, first.document.id)).size).toBe(0);
  });

  it("a section checked while it streamed in (precheck) gets the same report as one checked only at the end", async () => {
    // A delivered text of its own, so other tests' deliveries cannot be what is found.
    const own = fakeProse(150, "delivered before the precheck test");
    const delivered = await insertDocument("delivered before");
    await db.updateTable("sections").set({ content: own }).where("id", "=", delivered.sections[0].id).execute();
    await storeDeliveredShingles(db, delivered.document.id, [{ id: delivered.sections[0].id, text: own }]);
    // Paragraphs, one of them copied from the delivered text, one with a misspelling; a copy also runs across a break.
    const text = [
      UNRELATED,
      `In short, ${own}`,
      "The recieved wisdom was wrong.",
      `Finally, ${own.slice(0, 120)}`,
    ].join("\n\n");
    const gates = gatesFor(settingsOf({}));
    const check = (documentId: string) => runGates(gates, section(text, { documentId }), context({ db }));
    const streamIn = (documentId: string) => {
      const draft = new DraftCheck(gates, { language: "en", documentId, db });
      draft.append("An answer that was cut off.\n\n");
      draft.restart(); // the writer was asked again
      for (let i = 0; i < text.length; i += 37) draft.append(text.slice(i, i + 37));
      return draft;
    };

    const atTheEnd = await check((await insertDocument("checked at the end")).document.id);
    const streamed = (await insertDocument("checked while streaming")).document.id;
    streamIn(streamed);
    const prechecked = await check(streamed);
    expect(prechecked.scores).toEqual(atTheEnd.scores);
    expect(prechecked.feedback).toEqual(atTheEnd.feedback);
    expect(atTheEnd.scores.uniqueness).toBeLessThan(85);
    expect(atTheEnd.scores.grammar).toBeGreaterThan(0);

    // The lookups made while the text streamed in, and for its last paragraph when it ended (finish), are all the
    // check uses: with the delivered fingerprints gone afterwards, it still finds every copied passage.
    const lookedUpBefore = (await insertDocument("looked up while streaming")).document.id;
    streamIn(lookedUpBefore).finish(text);
    await check(lookedUpBefore); // waits for those lookups
    await db.deleteFrom("shingles").where("document_id", "=", delivered.document.id).execute();
    expect(await check(lookedUpBefore)).toEqual(atTheEnd);
    expect((await check((await insertDocument("checked after")).document.id)).scores.uniqueness).toBe(100);
  });

  it("gives a text prechecked while it streamed in the report it gets without prechecks, whatever its paragraphs", async () => {
    const { source } = await deliverPassage("paragraphs test");
    const gate = gatesFor(settingsOf({}))[0];
    let seed = 5;
    const next = (n: number) => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % n;
    const pieces = [
      () => fakeProse(5 + next(60), `piece ${next(1000)}`),
      () =>
        source
          .split(" ")
          .slice(next(20), 30 + next(20))
          .join(" "), // copied
      () => "Short one.", // fewer words than a shingle
      () => "[see\n\n@smith2020, p. 4] a citation across a break",
      () => `Cited [@smith2020] ${fakeProse(12, `cited ${next(1000)}`)}`,
    ];
    for (let sample = 0; sample < 25; sample++) {
      const text = Array.from({ length: 1 + next(6) }, () => pieces[next(pieces.length)]()).join(
        next(4) ? "\n\n" : "\n \n",
      );
      const plain = (await insertDocument(`plain ${sample}`)).document.id;
      const streamed = (await insertDocument(`streamed ${sample}`)).document.id;
      const draft = new DraftCheck([gate], { language: "en", documentId: streamed, db });
      for (let i = 0; i < text.length; i += 29) draft.append(text.slice(i, i + 29));
      if (next(2)) draft.finish(text); // with the last paragraph prechecked, or left to the check
      const expected = await gate.check(section(text, { documentId: plain }), context({ db }));
      expect(await gate.check(section(text, { documentId: streamed }), context({ db })), JSON.stringify(text)).toEqual(
        expected,
      );
    }
  });

  it("pieces a prechecked text's shingles and delivered matches together from its paragraphs, exactly as the whole text's", async () => {
    const { delivered, source } = await deliverPassage("pieced-together test");
    const gate = gatesFor(settingsOf({}))[0];
    let seed = 11;
    const next = (n: number) => Math.floor(((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * n); // high bits
    const pieces = [
      () => fakeProse(5 + next(60), `piece ${next(1000)}`),
      () =>
        source
          .split(" ")
          .slice(next(20), 30 + next(20))
          .join(" "), // copied
      () => `Cited [@smith2020] ${fakeProse(12, `cited ${next(1000)}`)} [see @jones2021, p. 4].`,
      () => "Short one.", // fewer words than a shingle's lead: the next paragraph's shingles reach further back
      () =>
        `${fakeProse(8, `open ${next(1000)}`)} [see\n\n@smith2020, p. 4] a citation across a break, after enough words`,
      () => "Ünïcode wörds, ёжик and é [@smith2020].",
    ];
    const weights = [0, 0, 0, 0, 1, 1, 2, 2, 3, 4, 5, 5];
    let pieced = 0;
    let wholeText = 0;
    for (let sample = 0; sample < 40; sample++) {
      const text = Array.from({ length: 1 + next(5) }, () => pieces[weights[next(weights.length)]]()).join(
        next(4) ? "\n\n" : "\n \n",
      );
      const documentId = (await insertDocument(`pieced ${sample}`)).document.id;
      const draft = new DraftCheck([gate], { language: "en", documentId, db });
      for (let i = 0; i < text.length; i += 23) draft.append(text.slice(i, i + 23));
      draft.finish(text);
      const ready = checker.fromPrechecks(text, documentId);
      const whole = shingles(text);
      if (!ready) {
        wholeText++;
        continue;
      }
      pieced++;
      expect(ready.own.hashes, JSON.stringify(text)).toEqual(whole.hashes);
      expect([Array.from(ready.own.starts), Array.from(ready.own.ends)]).toEqual([
        whole.tokens.map((t) => t.start),
        whole.tokens.map((t) => t.end),
      ]);
      expect(await ready.delivered).toEqual(await matchDeliveredShingles(db, whole.hashes, documentId));
    }
    // Both ways are taken: most texts are pieced together, a citation across a break or a short paragraph is not.
    expect(pieced).toBeGreaterThan(10);
    expect(wholeText).toBeGreaterThan(3);
    // A paragraph never prechecked (the answer came in one piece): the check works from the whole text.
    expect(checker.fromPrechecks(`${fakeProse(30, "never prechecked")}`, delivered.document.id)).toBeNull();
  });

  it("lookups asked together go in one statement per document left out, and each is told its own matches", async () => {
    const a = await insertDocument("lookups together A");
    const b = await insertDocument("lookups together B");
    const textA = fakeProse(120, "delivered lookups together A");
    const textB = fakeProse(120, "delivered lookups together B");
    await storeDeliveredShingles(db, a.document.id, [{ id: a.sections[0].id, text: textA }]);
    await storeDeliveredShingles(db, b.document.id, [{ id: b.sections[0].id, text: textB }]);
    const hashesA = shingles(textA).hashes;
    const hashesB = shingles(textB).hashes;
    const asked: [readonly number[], string | undefined][] = [
      [hashesA.slice(0, 40), b.document.id], // found: A's
      [[...hashesB.slice(0, 30), ...hashesA.slice(50, 60)], b.document.id], // only A's part is found: B is left out
      [hashesB.slice(10, 50), a.document.id], // found: B's
      [hashesB.slice(0, 20), undefined],
      [[1, 2, 3], a.document.id], // nothing
    ];
    // In a transaction a lookup is its own statement: what each must be told.
    const expected = await db.transaction().execute(async (trx) => {
      const results = [];
      for (const [hashes, exclude] of asked) results.push(await matchDeliveredShingles(trx, hashes, exclude));
      return results;
    });
    expect(expected.map((found) => found.size)).toEqual([40, 10, 40, 20, 0]);

    const counted = countingDb(testDb.url);
    try {
      const together = await Promise.all(
        asked.map(([hashes, exclude]) => checker.matchDelivered(counted.db, hashes, exclude)),
      );
      expect(together).toEqual(expected);
      expect(counted.statements.filter((q) => q.includes('from "shingles"'))).toHaveLength(3);
    } finally {
      await counted.db.destroy();
    }
  });

  it("looks shingles up through the index on hash", async () => {
    const hashes = shingles(DELIVERED).hashes.slice(0, 3);
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const result = await sql<{
        "QUERY PLAN": string;
      }>`explain select distinct hash from shingles where hash = any(string_to_array(${hashes.join(",")}, ',')::bigint[])`.execute(
        trx,
      );
      return result.rows.map((r) => r["QUERY PLAN"]).join("\n");
    });
    expect(plan).toMatch(
      /Index Only Scan using shingles_pkey|Index Scan using shingles_pkey|Bitmap Index Scan on shingles_pkey/,
    );
  });

  it("builds a section's context: the sources' titles and abstracts, and the other written sections from the database", async () => {
    const { document, sections } = await insertDocument("context");
    await db
      .insertInto("sources")
      .values({
        document_id: document.id,
        key: "d2023",
        title: "The joint impact of the EU ETS",
        csl: JSON.stringify({}),
        abstract: ABSTRACT,
      })
      .execute();
    await db.updateTable("sections").set({ content: ORIGINAL }).where("id", "=", sections[1].id).execute();
    await db.updateTable("sections").set({ content: "the section itself" }).where("id", "=", sections[0].id).execute();

    // The sources as the section's job loads them; the other sections are asked for.
    const loaded = await db
      .selectFrom("sources")
      .select(["key", "title", "abstract"])
      .where("document_id", "=", document.id)
      .execute();
    const sources = loaded.map((s) => ({ key: s.key, title: s.title, text: sourceText(s) }));
    const ctx = await gateContexts.load(db, { documentId: document.id, sectionId: sections[0].id }, sources, { log });
    expect(ctx.sources).toEqual([
      { key: "d2023", title: "The joint impact of the EU ETS", text: `The joint impact of the EU ETS. ${ABSTRACT}` },
    ]);
    expect(ctx.otherSections).toEqual([{ index: 1, heading: "context heading 1", text: ORIGINAL }]);

    const run = await runGates(
      gatesFor(defaults),
      section(COPIED, { documentId: document.id, sectionId: sections[0].id }),
      ctx,
    );
    expect(run.passed).toBe(false);
    expect(run.scores.uniqueness).toBeLessThan(85);
    expect(run.scores.ai).toBeNull();
    expect(run.feedback.join("\n")).toMatch(/repeats source \[@d2023\]/);
  });
});

describe("gate context", () => {
  it("keys a text as Postgres' md5() does, whatever its script", async () => {
    for (const text of ["plain ASCII", "Україна — це держава; ёжик, é, ß, 漢字, 🙂"]) {
      const { rows } = await sql<{ md5: string }>`select md5(${text}) as md5`.execute(db);
      expect(textKey(text)).toBe(rows[0].md5);
    }
  });

  it("keeps each section's hash (content_md5) equal to textKey of its text, through every change, null without one", async () => {
    const { sections } = await insertDocument("stored hashes");
    const hashOf = async () =>
      (
        await db
          .selectFrom("sections")
          .select(["content", "content_md5"])
          .where("id", "=", sections[0].id)
          .executeTakeFirstOrThrow()
      ).content_md5;
    expect(await hashOf()).toBeNull();
    for (const text of [ORIGINAL, "Україна — ёжик 🙂, revised."]) {
      await db.updateTable("sections").set({ content: text }).where("id", "=", sections[0].id).execute();
      expect(await hashOf()).toBe(textKey(text));
    }
  });

  it("makes a source's text from its title and abstract as concat_ws('. ', …) does, with or without either", async () => {
    for (const [title, abstract] of [
      ["A title", "An abstract."],
      ["A title", null],
      ["", "Only an abstract"],
      [null, null],
    ]) {
      const { rows } = await sql<{
        text: string;
      }>`select concat_ws('. ', nullif(${title}::text, ''), nullif(${abstract}::text, '')) as text`.execute(db);
      expect(sourceText({ title, abstract })).toBe(rows[0].text);
    }
    // Made from the source as it is now.
    const source = { title: "A title", abstract: "An abstract." };
    expect(sourceText(source)).toBe("A title. An abstract.");
    source.abstract = "Another abstract.";
    expect(sourceText(source)).toBe("A title. Another abstract.");
  });

  it("checks of one document that ask together share one statement, and each gets its own context", async () => {
    const { document, sections } = await insertDocument("asked together");
    await db
      .insertInto("sources")
      .values({
        document_id: document.id,
        key: "t2024",
        title: "Together",
        csl: JSON.stringify({}),
        abstract: ABSTRACT,
      })
      .execute();
    const texts = [`${ORIGINAL} First.`, `${ORIGINAL} Second.`, `${ORIGINAL} Third.`];
    for (const [i, text] of texts.entries())
      await db.updateTable("sections").set({ content: text }).where("id", "=", sections[i].id).execute();
    const other = await insertDocument("asked together, another document");
    await db
      .updateTable("sections")
      .set({ content: `${ORIGINAL} Elsewhere.` })
      .where("id", "=", other.sections[0].id)
      .execute();
    const sources = [{ key: "t2024", title: "Together", text: sourceText({ title: "Together", abstract: ABSTRACT }) }];
    // One at a time, each waiting for the one before: what each check must get.
    const asked = [
      { documentId: document.id, sectionId: sections[0].id },
      { documentId: document.id, sectionId: sections[1].id },
      { documentId: document.id, sectionId: sections[2].id },
      { documentId: document.id, sectionId: sections[0].id },
      { documentId: other.document.id, sectionId: other.sections[1].id },
    ];
    const expected = [];
    for (const a of asked) expected.push({ ...(await gateContexts.load(db, a, sources)), db: undefined });

    const counted = countingDb(testDb.url);
    try {
      const together = await Promise.all(
        asked.map(async (a) => ({ ...(await gateContexts.load(counted.db, a, sources)), db: undefined })),
      );
      expect(together).toEqual(expected);
      expect(together[0].otherSections.map((s) => s.index)).toEqual([1, 2]);
      expect(together[0].sources.map((s) => s.key)).toEqual(["t2024"]);
      // One statement per document, not one per check.
      expect(counted.statements.filter((q) => q.includes("content_md5"))).toHaveLength(2);
    } finally {
      await counted.db.destroy();
    }
  });

  it("gives the same texts whether they are known to this process, unknown, or changed since", async () => {
    const { document, sections } = await insertDocument("known");
    const first = `${ORIGINAL} Known to this process.`;
    await db.updateTable("sections").set({ content: first }).where("id", "=", sections[1].id).execute();
    gateContexts.remember(first);
    const ids = { documentId: document.id, sectionId: sections[0].id };
    expect((await gateContexts.load(db, ids, [])).otherSections).toEqual([
      { index: 1, heading: "known heading 1", text: first },
    ]);

    // Another worker revised it: the stored text, not the remembered one.
    const revised = `${ORIGINAL} Revised elsewhere.`;
    await db.updateTable("sections").set({ content: revised }).where("id", "=", sections[1].id).execute();
    expect((await gateContexts.load(db, ids, [])).otherSections).toEqual([
      { index: 1, heading: "known heading 1", text: revised },
    ]);
  });
});

describe("grammar gate", () => {
  const grammar = gatesFor(defaults)[1];

  it("scores a clean English paragraph low: citations, URLs, acronyms, names and British spellings are not errors", async () => {
    const result = await grammar.check(section(ORIGINAL), context());
    expect(result.score).toBeLessThan(10);
    expect(result).toEqual({ gate: "grammar", score: 0, passed: true, feedback: [] });
  });

  it("gets ready for a language during planning without changing what a check finds, and sends LanguageTool nothing", async () => {
    const before = await grammar.check(section(MISSPELT), context());
    grammar.prepare!("en-GB", "The outline of the document, with its briefs.");
    grammar.prepare!("xx", "A language without a dictionary: nothing to prepare.");
    expect(await grammar.check(section(MISSPELT, { language: "en-GB" }), context())).toEqual(before);
    gatesFor({ ...defaults, languageToolUrl: languageTool.url })[1].prepare!(
      "en",
      "Checked by LanguageTool when sections come.",
    );
    await new Promise((r) => setTimeout(r, 50));
    expect(languageTool.requests).toHaveLength(0);
  });

  it("fails a badly misspelt paragraph and names the words to fix", async () => {
    const result = await grammar.check(section(MISSPELT), context());
    expect(result.score).toBeGreaterThan(10);
    expect(result.passed).toBe(false);
    expect(result.feedback[0]).toMatch(
      /^The previous answer had \d+ spelling or grammar errors in \d+ words \(\d+(\.\d)? per 1,000 words; at most 10/,
    );
    expect(result.feedback.join("\n")).toMatch(/Misspelt words: .*"develloped".*"throgh"/);
    expect(result.feedback.join("\n")).toMatch(/Repeated words: "and and"/);
  });

  it("counts errors per 1,000 words", async () => {
    const words = ORIGINAL.split(/\s+/)
      .slice(0, 100)
      .join(" ")
      .replace("negotiated", "negotated")
      .replace("placed", "plaaced");
    const report = await grammarOf(words, "en");
    expect(report.checker).toBe("retext");
    expect(report.issues.map((i) => i.text)).toEqual(["negotated", "plaaced"]);
    expect(report.score).toBeCloseTo((2 * 1000) / report.words, 1);
  });

  it("follows retext-spell's and retext-repeated-words' rules: quoted words, compounds, numbers, names and allowed repeats", async () => {
    const repeats = await grammarOf(
      "The the cat sat on on the mat. Duran Duran played. They had had enough. D. D. came. I can can do it.",
      "en",
    );
    expect(repeats.issues).toEqual([
      { kind: "repetition", text: "The the" },
      { kind: "repetition", text: "on on" },
    ]);
    const words = await grammarOf(
      "A well-known state-of-the-art approch to re-evaluate the colour of analysed behaviour at 10:30am and 1999 times.",
      "en",
    );
    expect(words.issues).toEqual([{ kind: "spelling", text: "approch" }]);
    // Words in quotes are mentioned, not used ("the word 'teh'"): not counted.
    const quoted = await grammarOf(
      "He said 'teh' is a word, and “recieve” too: the word ‘doesn’t’ is fine, isn’t it? Smith's data.",
      "en",
    );
    expect(quoted.issues).toEqual([]);
  });

  it("takes British spellings for their American forms", () => {
    expect(americanForms("analysed")).toContain("analyzed");
    expect(americanForms("Colour")).toContain("color");
    expect(americanForms("centres")).toContain("centers");
    expect(americanForms("modelling")).toContain("modeling");
  });

  it(
    "checks Ukrainian with dictionary-uk: a clean paragraph passes, a misspelt one fails",
    { timeout: 180_000 },
    async () => {
      const clean = await grammar.check(section(UK_CLEAN, { language: "uk" }), context());
      expect(clean).toEqual({ gate: "grammar", score: 0, passed: true, feedback: [] });
      const misspelt = await grammar.check(section(UK_MISSPELT, { language: "uk" }), context());
      expect(misspelt.score).toBeGreaterThan(10);
      expect(misspelt.passed).toBe(false);
      expect(misspelt.feedback.join("\n")).toMatch(/"нізку".*"узгоджиних"/);
    },
  );

  it("gives no score, and passes, where no dictionary exists: never a made-up number", async () => {
    const result = await grammar.check(
      section("Die Forscher erhalten die Daten und analysieren sie sorgfältig.", { language: "ja" }),
      context(),
    );
    expect(result).toEqual({ gate: "grammar", score: null, passed: true, feedback: [] });
    expect(warnings).toEqual([]);
  });

  it("scores German and Italian with their dictionaries (Hunspell), compounds included", async () => {
    const german = "Die Forscher erhalten die Daten über Kohlenstoff und Wärmepumpen und analysieren sie sorgfältig.";
    expect(await grammar.check(section(german, { language: "de" }), context())).toEqual({
      gate: "grammar",
      score: 0,
      passed: true,
      feedback: [],
    });
    const italian = "I ricercatori raccolgono i dati sulla manutenzione predittiva e li analizzano con attenzione.";
    expect(await grammar.check(section(italian, { language: "it" }), context())).toMatchObject({ score: 0 });
    const misspelt = await grammar.check(
      section("I ricercatori raccolgono i dati e li analizano.", { language: "it" }),
      context(),
    );
    expect(misspelt.passed).toBe(false);
    expect(misspelt.feedback.join("\n")).toMatch(/"analizano"/);
    expect(warnings).toEqual([]);
  });

  it("asks a LanguageTool server instead when LANGUAGETOOL_URL is set", async () => {
    const config: QualityConfig = { ...defaults, languageToolUrl: languageTool.url };
    const gate = gatesFor(config)[1];
    const hundred = ORIGINAL.split(/\s+/).slice(0, 100).join(" ");

    const clean = await gate.check(section(hundred), context());
    expect(clean).toEqual({ gate: "grammar", score: 0, passed: true, feedback: [] });
    expect(languageTool.requests[0]).toMatchObject({ path: "/v2/check", language: "en-US", text: hundred });
    expect(languageTool.requests[0].contentType).toMatch(/application\/x-www-form-urlencoded/);

    const marked = hundred.replace(/\bthe\b/, "LTERROR").replace(/\bprice\b/, "LTERROR");
    const few = await gate.check(section(marked), context());
    expect(few.score).toBeCloseTo(2000 / 97, 1); // 100 words, less the citation, the URL and "2005,
    expect(few.passed).toBe(false);
    expect(few.feedback.join("\n")).toMatch(/"LTERROR": Possible spelling mistake found\. \(perhaps "error"\)/);

    languageTool.setMatches(1);
    expect(await gate.check(section(ORIGINAL), context())).toMatchObject({ score: 6.9, passed: true }); // 1 in 145 words
  });

  it("does not count LanguageTool's spelling matches on the order's terms (its topic)", async () => {
    const gate = gatesFor({ ...defaults, languageToolUrl: languageTool.url })[1];
    const marked = ORIGINAL.split(/\s+/)
      .slice(0, 100)
      .join(" ")
      .replace(/\bthe\b/, "LTERROR");
    expect((await gate.check(section(marked), context())).passed).toBe(false);
    expect(await gate.check(section(marked), context({ topic: "LTERROR in market design" }))).toMatchObject({
      score: 0,
      passed: true,
    });
  });

  it("gives no score, and passes with a logged warning, when LanguageTool fails or does not know the language", async () => {
    const gate = gatesFor({ ...defaults, languageToolUrl: languageTool.url })[1];
    languageTool.failNext({ status: 500 });
    expect(await gate.check(section(ORIGINAL), context())).toEqual({
      gate: "grammar",
      score: null,
      passed: true,
      feedback: [],
    });
    expect(await gate.check(section("Bonjour tout le monde", { language: "xx" }), context())).toMatchObject({
      score: null,
      passed: true,
    });
    expect(warnings.map((w) => w.message)).toEqual(["grammar check unavailable", "grammar check unavailable"]);
    expect(String(warnings[0].details.err)).toMatch(/LanguageTool answered 500/);
  });
});

describe("AI detection gate", () => {
  const keyed = (which: { gptzero?: boolean; originality?: boolean }, key = "right-key"): QualityConfig => ({
    ...defaults,
    gptzero: which.gptzero ? { apiKey: key, url: detectors.url } : null,
    originality: which.originality ? { apiKey: key, url: detectors.url } : null,
  });
  const aiGate = (config: QualityConfig) => gatesFor(config)[2];

  it("with no key gives no score (N/A) and passes, without calling anyone", async () => {
    const result = await aiGate(defaults).check(section(ORIGINAL), context());
    expect(result).toEqual({ gate: "ai", score: null, passed: true, feedback: [] });
    expect(detectors.requests).toEqual([]);
  });

  it("uses GPTZero on both sides of the threshold, sending the key and the text", async () => {
    const gate = aiGate(keyed({ gptzero: true }));
    detectors.setScore("gptzero", 90);
    const high = await gate.check(section(ORIGINAL), context());
    expect(high).toMatchObject({ gate: "ai", score: 90, passed: false });
    expect(high.feedback[0]).toMatch(
      /^An AI detector rated the previous answer 90% likely machine-written \(at most 55% is accepted\)/,
    );
    expect(detectors.requests[0]).toMatchObject({
      provider: "gptzero",
      path: "/v2/predict/text",
      apiKey: "right-key",
      text: ORIGINAL,
    });

    detectors.setScore("gptzero", 20);
    expect(await gate.check(section(ORIGINAL), context())).toEqual({
      gate: "ai",
      score: 20,
      passed: true,
      feedback: [],
    });
    detectors.setScore("gptzero", 55);
    expect((await gate.check(section(ORIGINAL), context())).passed).toBe(true);
  });

  it("uses Originality.ai on both sides of the threshold", async () => {
    const gate = aiGate(keyed({ originality: true }));
    detectors.setScore("originality", 73.5);
    expect(await gate.check(section(ORIGINAL), context())).toMatchObject({ score: 73.5, passed: false });
    expect(detectors.requests[0]).toMatchObject({
      provider: "originality",
      path: "/api/v1/scan/ai",
      apiKey: "right-key",
      body: { content: ORIGINAL },
    });
    detectors.setScore("originality", 12);
    expect(await gate.check(section(ORIGINAL), context())).toMatchObject({ score: 12, passed: true });
  });

  it("with both keyed, the higher score counts; a failing provider leaves the other's score", async () => {
    const gate = aiGate(keyed({ gptzero: true, originality: true }));
    detectors.setScore("gptzero", 30);
    detectors.setScore("originality", 70);
    expect(await gate.check(section(ORIGINAL), context())).toMatchObject({ score: 70, passed: false });
    expect(detectors.requests.map((r) => r.provider).sort()).toEqual(["gptzero", "originality"]);

    detectors.failNext("originality", { status: 503 });
    expect(await gate.check(section(ORIGINAL), context())).toMatchObject({ score: 30, passed: true });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: "AI detection unavailable", details: { provider: "originality" } });
  });

  it("on provider errors, a wrong key, a timeout or a malformed answer gives no score and passes, with a warning", async () => {
    const gate = aiGate(keyed({ gptzero: true, originality: true }));
    detectors.failNext("gptzero", { status: 500 });
    detectors.failNext("originality", { kind: "malformed" });
    expect(await gate.check(section(ORIGINAL), context())).toEqual({
      gate: "ai",
      score: null,
      passed: true,
      feedback: [],
    });

    expect(await aiGate(keyed({ gptzero: true }, "wrong-key")).check(section(ORIGINAL), context())).toMatchObject({
      score: null,
      passed: true,
    });

    detectors.failNext("gptzero", { kind: "timeout" });
    const slow = await detectAi(ORIGINAL, {
      gptzero: { apiKey: "right-key", url: detectors.url },
      timeoutMs: 300,
      log,
    });
    expect(slow).toMatchObject({ score: null, providers: [{ provider: "gptzero", score: null }] });
    expect(warnings).toHaveLength(4);
  });

  it("reads the marker in the text when no score is set (the fake's default)", async () => {
    const fresh = await startFakeDetectors();
    try {
      const report = await detectAi("A text [ai=80] of a few words.", {
        gptzero: { apiKey: "k", url: fresh.url },
        originality: { apiKey: "k", url: fresh.url },
      });
      expect(report).toEqual({
        score: 80,
        providers: [
          { provider: "gptzero", score: 80 },
          { provider: "originality", score: 80 },
        ],
      });
    } finally {
      await fresh.close();
    }
  });
});

describe("runGates", () => {
  it("collects every gate's score and the failed gates' feedback", async () => {
    detectors.setScore("gptzero", 80);
    const config: QualityConfig = { ...defaults, gptzero: { apiKey: "right-key", url: detectors.url } };
    const run = await runGates(
      gatesFor(config),
      section(COPIED),
      context({ sources: [{ key: "d2023", text: ABSTRACT }] }),
    );
    expect(run.passed).toBe(false);
    expect(run.results.map((r) => [r.gate, r.passed])).toEqual([
      ["uniqueness", false],
      ["grammar", true],
      ["ai", false],
    ]);
    expect(run.scores).toEqual({ uniqueness: run.results[0].score, grammar: 0, ai: 80 });
    expect(run.feedback).toEqual([...run.results[0].feedback, ...run.results[2].feedback]);

    const clean = await runGates(
      gatesFor(defaults),
      section(ORIGINAL),
      context({ sources: [{ key: "d2023", text: ABSTRACT }] }),
    );
    expect(clean).toEqual({
      passed: true,
      results: [
        { gate: "uniqueness", score: 100, passed: true, feedback: [] },
        { gate: "grammar", score: 0, passed: true, feedback: [] },
        { gate: "ai", score: null, passed: true, feedback: [] },
        // Last, and only because the others passed: without a writer to judge with, citation support is not checked.
        { gate: "citations", score: null, passed: true, feedback: [] },
      ],
      feedback: [],
      scores: { uniqueness: 100, grammar: 0, ai: null },
    });
  });

  it("a per-call config overrides the gates' own thresholds", async () => {
    const run = await runGates(
      gatesFor(defaults),
      section(MISSPELT),
      context({ config: { ...defaults, maxGrammarErrors: 1000 } }),
    );
    expect(run.results[1].passed).toBe(true);
  });

  it("averages a document's scores by words, leaving out what could not be checked", () => {
    expect(
      documentScores([
        { words: 100, scores: { uniqueness: 90, grammar: 2, ai: null } },
        { words: 300, scores: { uniqueness: 70, grammar: null, ai: null } },
      ]),
    ).toEqual({ uniqueness: 75, grammar: 2, ai: null });
  });
});

describe("npm run quality", () => {
  it("parses its arguments and guesses the language when not given", () => {
    expect(parseQualityArgs(["--text", "a.txt", "--against", "b.txt", "--against", "c.txt", "--lang", "UK"])).toEqual({
      text: "a.txt",
      against: ["b.txt", "c.txt"],
      language: "uk",
      useDatabase: true,
    });
    expect(() => parseQualityArgs(["--against", "b.txt"])).toThrow(/--text FILE is required/);
    expect(() => parseQualityArgs(["--text"])).toThrow(/--text needs a value/);
    expect(guessLanguage(UK_CLEAN)).toBe("uk");
    expect(guessLanguage("Исследователи получают данные и тщательно их анализируют.")).toBe("ru");
    expect(guessLanguage(ORIGINAL)).toBe("en");
  });

  it("checks a text against files and the delivered sections, and sums up in one JSON line", async () => {
    const check = await checkText({
      text: COPIED,
      against: [{ name: "abstract.txt", text: ABSTRACT }],
      language: "en",
      db,
      config: defaults,
      memory: machinery,
      log,
    });
    expect(check.summary.uniqueness).toBeLessThan(85);
    expect(check.summary.grammarErrorsPer1000).toBe(0);
    expect(check.summary.aiScore).toBeNull();
    expect(JSON.parse(summaryLine(check))).toEqual(check.summary);

    const alone = await checkText({
      text: ORIGINAL,
      against: [],
      language: "ja",
      config: defaults,
      memory: machinery,
      log,
    });
    expect(alone.summary).toEqual({ uniqueness: null, grammarErrorsPer1000: null, aiScore: null });
  });

  it("runs as a command and ends with the JSON line", { timeout: 60_000 }, async () => {
    const delivered = await insertDocument("delivered-for-cli");
    await storeDeliveredShingles(db, delivered.document.id, [{ id: delivered.sections[2].id, text: UNRELATED }]);
    const textFile = path.join(tmp, "draft.txt");
    const againstFile = path.join(tmp, "abstract.txt");
    writeFileSync(textFile, `${UNRELATED} ${MISSPELT}`);
    writeFileSync(againstFile, ABSTRACT);

    const { stdout } = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "scripts/quality.ts", "--text", textFile, "--against", againstFile, "--lang", "en"],
      {
        cwd: path.resolve(import.meta.dirname, "../.."),
        env: {
          ...process.env,
          DATABASE_URL: testDb.url,
          GPTZERO_API_KEY: "",
          ORIGINALITY_API_KEY: "",
          LANGUAGETOOL_URL: "",
          LOG_LEVEL: "error",
        },
      },
    );
    const lines = stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^Quality of draft\.txt \(language en, \d+ words\)/);
    expect(stdout).toMatch(
      /Uniqueness: \d+(\.\d)?% \(minimum 85%\) — FAIL; \d+ of \d+ five-word sequences found in abstract\.txt and every delivered section/,
    );
    expect(stdout).toMatch(/This passage repeats a text delivered before: "Urban bicycle networks/);
    expect(stdout).toMatch(/Grammar: \d+(\.\d)? errors per 1,000 words \(maximum 10\) — FAIL/);
    expect(stdout).toMatch(/AI detection: N\/A/);
    const summary = JSON.parse(lines.at(-1)!);
    expect(Object.keys(summary)).toEqual(["uniqueness", "grammarErrorsPer1000", "aiScore"]);
    expect(summary.uniqueness).toBeLessThan(85);
    expect(summary.grammarErrorsPer1000).toBeGreaterThan(10);
    expect(summary.aiScore).toBeNull();
  });
});
