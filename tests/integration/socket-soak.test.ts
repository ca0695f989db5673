import { afterAll, beforeAll, expect, it } from "vitest";
import { useDatabase } from "../../app/utils/db.server";
import { runSoak } from "../../scripts/soak/run";
import { createTestDatabase, type TestDatabase } from "../setup/database";

// A small run of `npm run soak:sockets` (scripts/soak-sockets.ts): 20 watchers of 3 documents on a real web process,
// the documents carried to their ends (delivered, delivered with warnings, failed and refunded) by the worker's own
// writes as fast as they go, the web process stopped once (SIGTERM) with a document completing while it is down.
// Driven by events: after the restart the run waits for every watcher to join again, at the end for them to settle.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
});

afterAll(async () => {
  await database?.destroy();
});

it("every watcher ends with its document's final state across a web restart, a completion while it was down included", async () => {
  const result = await runSoak({
    databaseUrl: database.url,
    db: database.db,
    sockets: 20,
    documents: 3,
    restarts: 1,
    seconds: 0,
    heartbeatMs: 500,
    waitSeconds: 240,
    controls: 3,
  });
  expect(result.wrong).toEqual([]);
  expect(result).toMatchObject({ sockets: 20, restarts: 1, clientsRight: 20, clientsWrong: 0, lostCompletions: 0 });
  expect(result.restartLog[0]).toMatchObject({ signal: "SIGTERM", completedWhileDown: expect.any(String) });
  expect(result.restartLog[0].completedWhileDown).not.toBe("");
  // Every watcher came back on its own after the restart.
  expect(result.reconnects).toBeGreaterThanOrEqual(20);
  // The control that does not re-read the snapshot on reconnecting misses the completion made while the web was down.
  expect(result.controls.lostCompletions).toBeGreaterThanOrEqual(1);
}, 600_000);
