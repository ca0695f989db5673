// /metrics' all-time tokens and cost (app/models/usage-totals.server.ts): rows older than ten minutes are summed once and
// kept, newer ones re-read at each scrape. Whatever the order of reads and inserts, the totals are the table's sums.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UsageTotals } from "../../app/models/usage-totals.server";
import type { Db } from "../../app/utils/db.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";

let testDb: TestDatabase;
let db: Db;

beforeAll(async () => {
  testDb = await createTestDatabase();
  db = testDb.db;
});
afterAll(() => testDb?.destroy());

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);

async function insertUsage(model: string, tokens: number, createdAt: Date) {
  await db
    .insertInto("token_usage")
    .values({
      provider: "openai",
      model,
      purpose: "section",
      tokens_in: tokens,
      tokens_out: tokens * 2,
      cost_microdollars: tokens * 10,
      created_at: createdAt,
    })
    .execute();
}

/** What summing the whole table says, in UsageTotals' shape. */
async function tableSums() {
  const rows = await db
    .selectFrom("token_usage")
    .select((eb) => [
      "provider",
      "model",
      eb.fn.sum<string>("tokens_in").as("tokensIn"),
      eb.fn.sum<string>("tokens_out").as("tokensOut"),
      eb.fn.sum<string>("cost_microdollars").as("cost"),
    ])
    .groupBy(["provider", "model"])
    .orderBy("model")
    .execute();
  return rows.map((row) => ({
    provider: row.provider,
    model: row.model,
    tokensIn: Number(row.tokensIn),
    tokensOut: Number(row.tokensOut),
    costMicrodollars: Number(row.cost),
  }));
}

describe("UsageTotals", () => {
  it("an empty table totals nothing", async () => {
    expect(await new UsageTotals().read(db)).toEqual([]);
  });

  it("stays equal to the table's sums across reads: old rows are never counted twice, new rows always counted", async () => {
    const totals = new UsageTotals();
    await insertUsage("gpt-4o-mini", 100, minutesAgo(60));
    await insertUsage("gpt-4o-mini", 10, minutesAgo(1));
    await insertUsage("gpt-4o", 5, new Date());
    expect(await totals.read(db)).toEqual(await tableSums());
    // Read again with nothing new: the settled hour-old row is not added a second time.
    expect(await totals.read(db)).toEqual(await tableSums());
    await insertUsage("gpt-4o-mini", 1000, new Date());
    await insertUsage("gpt-4.1", 7, new Date());
    expect(await totals.read(db)).toEqual(await tableSums());
    expect(await totals.read(db)).toEqual(await tableSums());
  });

  it("concurrent reads (two scrapes at once) share one query and agree", async () => {
    const totals = new UsageTotals();
    const [first, second] = await Promise.all([totals.read(db), totals.read(db)]);
    expect(first).toEqual(await tableSums());
    expect(second).toEqual(first);
    expect(await totals.read(db)).toEqual(first);
  });
});
