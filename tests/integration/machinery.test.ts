// The worker's caches and gathered statements belong to its context (worker/machinery.ts), made at boot: two contexts
// in one process (tests, `npm run eval`) share none of them.
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Db } from "../../app/utils/db.server";
import { parseEnv } from "../../app/utils/env.server";
import type { Database } from "../../db/schema";
import { createPipelineContext } from "../../worker/index";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

let testDb: TestDatabase;
let counted: { db: Db; statements: string[] };

beforeAll(async () => {
  testDb = await createTestDatabase();
  const statements: string[] = [];
  counted = {
    db: new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: testDb.url, max: 4 }) }),
      log: (event) => void statements.push(event.query.sql),
    }),
    statements,
  };
});
afterAll(async () => {
  await counted?.db.destroy();
  await testDb?.destroy();
});

const env = parseEnv({ AI_FALLBACK_CHAIN: "offline", RESEARCH_PROVIDERS: "none" });

async function documentWithSections(texts: string[]) {
  const user = await insertUser(testDb.db);
  const document = await testDb.db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic: "machinery",
      pages: 3,
      language: "en",
      price_cents: 1500,
      quality_warnings: JSON.stringify([]),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const sections = await testDb.db
    .insertInto("sections")
    .values(
      texts.map((content, index) => ({
        document_id: document.id,
        index,
        heading: `Heading ${index}`,
        brief: "brief",
        target_words: 100,
        content,
      })),
    )
    .returning(["id", "index"])
    .execute();
  return { documentId: document.id, sections: sections.sort((a, b) => a.index - b.index) };
}

describe("each worker context has its own machinery", () => {
  it("a text one context's gates have seen is not known to another's: the other fetches it", async () => {
    const text = "A sibling's text that only the first context has seen before.";
    const { documentId, sections } = await documentWithSections(["the section being checked", text]);
    const first = createPipelineContext(counted.db, env);
    const second = createPipelineContext(counted.db, env);
    expect(first.machinery).not.toBe(second.machinery);
    first.machinery.gateContexts.remember(text);
    const fetches = () => counted.statements.filter((q) => q.includes("content as text")).length;

    const before = fetches();
    const known = await first.machinery.gateContexts.load(counted.db, { documentId, sectionId: sections[0].id }, []);
    expect(known.otherSections.map((s) => s.text)).toEqual([text]);
    expect(fetches()).toBe(before);
    const unknown = await second.machinery.gateContexts.load(counted.db, { documentId, sectionId: sections[0].id }, []);
    expect(unknown.otherSections.map((s) => s.text)).toEqual([text]);
    expect(fetches()).toBe(before + 1);
  });

  it("sections that start in the same tick are loaded together per context, never with another context's", async () => {
    const { documentId, sections } = await documentWithSections(["one", "two", "three", "four"]);
    const contexts = [createPipelineContext(counted.db, env), createPipelineContext(counted.db, env)];
    const loads = () => counted.statements.filter((q) => q.includes("'previous'")).length;
    const before = loads();
    const loaded = await Promise.all(
      sections.map((s, i) => contexts[i % 2].machinery.sectionStarts.load(counted.db, documentId, s.id)),
    );
    expect(loaded.map((l) => l?.section.index)).toEqual([0, 1, 2, 3]);
    expect(loads()).toBe(before + 2);
  });
});
