import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, useDatabase } from "../../app/utils/db.server";
import { detailedHealth } from "../../app/utils/health.server";
import { useBoss } from "../../app/jobs/queue.server";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { startTestBoss } from "../setup/fixtures";

let database: TestDatabase;
let boss: PgBoss;

beforeAll(async () => {
  database = await createTestDatabase();
  boss = useBoss(await startTestBoss(database.url));
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

describe("GET /health/detailed", () => {
  it("reports every part with its status and latency", async () => {
    useDatabase(database.db);
    const health = await detailedHealth();
    expect(health.httpStatus).toBe(200);
    expect(health.status).toBe("ok");
    expect(health.checks.database).toEqual({ status: "ok", latencyMs: expect.any(Number) });
    expect(health.checks.queue.status).toBe("ok");
    expect(health.checks.storage).toEqual({
      status: "ok",
      latencyMs: expect.any(Number),
      backend: "postgres",
      detail: "files table",
    });
    expect(health.checks.providers).toMatchObject({
      status: "ok",
      chain: ["offline:offline-demo-1"],
      detail: "offline demo writer only",
    });
  });

  it("answers 503 when the database cannot be reached", async () => {
    const unreachable = createDb("postgres://nobody:nothing@127.0.0.1:1/none", 1);
    useDatabase(unreachable);
    try {
      const health = await detailedHealth();
      expect(health.httpStatus).toBe(503);
      expect(health.status).toBe("down");
      expect(health.checks.database.status).toBe("down");
      expect(health.checks.database.detail).toMatch(/ECONNREFUSED/);
    } finally {
      await unreachable.destroy();
      useDatabase(database.db);
    }
  });
});
