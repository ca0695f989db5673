import { randomBytes } from "node:crypto";
import type PgBoss from "pg-boss";
import pg from "pg";
import { afterEach, vi } from "vitest";
import type { Db } from "../../app/utils/db.server";
import { logger } from "../../app/utils/logger.server";
import { DOCUMENT_EVENTS_CHANNEL, type DocumentEvent } from "../../app/utils/document-events";
import { createBoss, ensureQueues } from "../../app/jobs/queue.server";

export async function insertUser(db: Db, overrides: { email?: string; premium?: boolean } = {}) {
  return db
    .insertInto("users")
    .values({
      email: overrides.email ?? `user-${randomBytes(4).toString("hex")}@example.com`,
      premium: overrides.premium ?? false,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function startTestBoss(url: string): Promise<PgBoss> {
  const boss = createBoss(url, { worker: true });
  await boss.start();
  await ensureQueues(boss);
  return boss;
}

/** Collects the document events NOTIFYed on the app channel, as a web process would receive them. */
export async function listenToDocumentEvents(url: string) {
  const client = new pg.Client({ connectionString: url });
  const events: { documentId: string; event: DocumentEvent }[] = [];
  client.on("notification", (m) => m.payload && events.push(JSON.parse(m.payload)));
  await client.connect();
  await client.query(`LISTEN ${DOCUMENT_EVENTS_CHANNEL}`);
  return { events, close: () => client.end() };
}

/** Waits for a condition checked against the database; fails with `what` if it never holds. */
export async function eventually<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * `const spyOnWarn = warnSpies()` at the top of a test file: spyOnWarn() spies on logger.warn (silenced unless
 * `quiet` is false), and every spy is restored after its test. Only our own spies: the shared setup owns the
 * console.error spy.
 */
export function warnSpies(): (quiet?: boolean) => ReturnType<typeof vi.spyOn> {
  const spies: Array<{ mockRestore: () => void }> = [];
  afterEach(() => {
    for (const spy of spies.splice(0)) spy.mockRestore();
  });
  return (quiet = true) => {
    const spy = vi.spyOn(logger, "warn");
    if (quiet) spy.mockImplementation(() => undefined);
    spies.push(spy);
    return spy;
  };
}
