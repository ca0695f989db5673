// app/models/document-text.server.ts: a delivered text's parts kept in memory, keyed by the text's MD5 (which
// Postgres keeps in documents.content_md5), so the document page reads `content` only when its copy is not current.
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/schema";
import { createDocument } from "../../app/models/documents.server";
import { DocumentTextCache, documentTextPage, readDocumentText } from "../../app/models/document-text.server";
import type { Db } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser } from "../setup/fixtures";

let testDb: TestDatabase;
let db: Db;
let counted: { db: Db; statements: string[] };

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
  const statements: string[] = [];
  counted = {
    statements,
    db: new Kysely<Database>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: testDb.url, max: 2 }) }),
      log: (event) => void statements.push(event.query.sql),
    }),
  };
});
afterAll(async () => {
  await counted?.db.destroy();
  await testDb?.destroy();
});

const textOf = (headings: string[]) =>
  ["# Topic", ...headings.map((h) => `## ${h}\n\n${h} text.`), "## References\n\nNone."].join("\n\n");

async function deliveredDocument(content: string) {
  const user = await insertUser(db);
  const document = await createDocument(db, user.id, { topic: "Topic", pages: 5, language: "en" });
  await db.updateTable("documents").set({ status: "completed", content }).where("id", "=", document.id).execute();
  return document.id;
}

const versionOf = async (id: string) =>
  (await db.selectFrom("documents").select("content_md5").where("id", "=", id).executeTakeFirstOrThrow()).content_md5!;
const contentReads = () => counted.statements.filter((q) => /select "content", "content_md5"/.test(q)).length;

describe("the document page's text cache", () => {
  it("Postgres keeps each document's text hash, null without a text", async () => {
    const id = await deliveredDocument(textOf(["A"]));
    const [row] = await db
      .selectFrom("documents")
      .select(["content_md5"])
      .select((eb) => eb.fn<string>("md5", ["content"]).as("expected"))
      .where("id", "=", id)
      .execute();
    expect(row!.content_md5).toMatch(/^[0-9a-f]{32}$/);
    expect(row!.content_md5).toBe(row!.expected);
    await db.updateTable("documents").set({ content: null }).where("id", "=", id).execute();
    expect(await db.selectFrom("documents").select("content_md5").where("id", "=", id).executeTakeFirst()).toEqual({
      content_md5: null,
    });
  });

  it("reads the text once; later reads of the same version come from memory", async () => {
    const cache = new DocumentTextCache();
    const id = await deliveredDocument(textOf(["Introduction", "Chapter", "Conclusion"]));
    const version = await versionOf(id);
    const before = contentReads();
    const first = await readDocumentText(counted.db, id, version, cache);
    for (let i = 0; i < 5; i++) expect(await readDocumentText(counted.db, id, version, cache)).toBe(first);
    expect(contentReads() - before).toBe(1);
    expect(first!.outline.map((o) => o.heading)).toEqual(["Introduction", "Chapter", "Conclusion", "References"]);
    expect(documentTextPage(first!, 1)!.part.sections.map((s) => s.heading)).toContain("References");
    expect(documentTextPage(first!, 2)).toBeUndefined();
  });

  it("a changed text (another version) is read again, never served from the older copy", async () => {
    const cache = new DocumentTextCache();
    const id = await deliveredDocument(textOf(["Old heading"]));
    const old = await readDocumentText(counted.db, id, await versionOf(id), cache);
    await db
      .updateTable("documents")
      .set({ content: textOf(["New heading"]) })
      .where("id", "=", id)
      .execute();
    const version = await versionOf(id);
    const before = contentReads();
    const current = await readDocumentText(counted.db, id, version, cache);
    expect(contentReads() - before).toBe(1);
    expect(current!.version).toBe(version);
    expect(current!.version).not.toBe(old!.version);
    expect(current!.sections[0]!.heading).toBe("New heading");
    // The page's row may be a moment older than the text: a copy read then is stored under the hash read with it.
    await db
      .updateTable("documents")
      .set({ content: textOf(["Newer heading"]) })
      .where("id", "=", id)
      .execute();
    const fresh = new DocumentTextCache();
    const newer = await readDocumentText(counted.db, id, version, fresh);
    expect(newer!.sections[0]!.heading).toBe("Newer heading");
    expect(newer!.version).toBe(await versionOf(id));
    expect(await readDocumentText(counted.db, id, newer!.version, fresh)).toBe(newer);
  });

  it("keeps at most its characters' worth of texts, the least recently read leaving first", async () => {
    const contents = [textOf(["One"]), textOf(["Two"]), textOf(["Three"])];
    const cache = new DocumentTextCache(Math.max(...contents.map((c) => c.length)) * 2);
    const ids = [];
    for (const content of contents) ids.push(await deliveredDocument(content));
    const versions = await Promise.all(ids.map(versionOf));
    await readDocumentText(counted.db, ids[0]!, versions[0]!, cache);
    await readDocumentText(counted.db, ids[1]!, versions[1]!, cache);
    await readDocumentText(counted.db, ids[0]!, versions[0]!, cache); // now the most recent: the second is older
    await readDocumentText(counted.db, ids[2]!, versions[2]!, cache);
    expect(cache.size).toBe(2);
    const before = contentReads();
    await readDocumentText(counted.db, ids[0]!, versions[0]!, cache);
    expect(contentReads() - before).toBe(0); // kept
    await readDocumentText(counted.db, ids[1]!, versions[1]!, cache);
    expect(contentReads() - before).toBe(1); // it had left
    // A text longer than the whole cap is read and shown, but not kept.
    const small = new DocumentTextCache(10);
    expect(await readDocumentText(counted.db, ids[2]!, versions[2]!, small)).toBeDefined();
    expect(small.size).toBe(0);
  });

  it("a document without a delivered text has no text to read", async () => {
    const id = await deliveredDocument("");
    expect(await readDocumentText(counted.db, id, "0", new DocumentTextCache())).toBeUndefined();
  });
});
