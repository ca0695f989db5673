// Issue 18, item 11: /health/detailed shows monitoring (METRICS_TOKEN) and signed-in admins the database, each queue's
// lag, each provider's breaker, file storage, mail and the versions of the app and its migrations; anyone else learns
// the status only.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBoss } from "../../app/jobs/queue.server";
import { MIGRATIONS } from "../../db/migrations/index";
import { type App, Client, signedInCustomer, startApp } from "./app";

const METRICS_TOKEN = "monitoring-key-2d8f4b6a0c1e9d7f3a5b8c2e4f6a0d1b";
const SMTP_PASSWORD = "smtp-pass-never-shown-7c1f";
const PROBE_QUEUE = "health.lag-probe";

let app: App;
let admin: Client;

beforeAll(async () => {
  app = await startApp({
    METRICS_TOKEN,
    // Mail goes through SMTP here; nothing is sent (the health check only says where mail would go).
    SMTP_URL: `smtp://mailer:${SMTP_PASSWORD}@127.0.0.1:2525`,
    RESEARCH_PROVIDERS: "openalex,crossref",
  });
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
});
afterAll(() => app?.stop());

async function health(client: Client, headers: Record<string, string> = {}) {
  const reply = await client.get("/health/detailed", headers);
  expect(reply.headers.get("cache-control")).toBe("no-store");
  return { status: reply.status, body: JSON.parse(reply.text) };
}

describe("/health/detailed", () => {
  it("a stranger, a customer and a wrong token learn the status only; the token and an admin's cookie get the whole report", async () => {
    const stranger = new Client(app);
    expect(await health(stranger)).toEqual({ status: 200, body: { status: "ok" } });
    expect(await health(stranger, { authorization: `Bearer ${METRICS_TOKEN}x` })).toEqual({
      status: 200,
      body: { status: "ok" },
    });
    const { client: customer } = await signedInCustomer(app);
    expect(await health(customer)).toEqual({ status: 200, body: { status: "ok" } });

    for (const reply of [await health(stranger, { authorization: `Bearer ${METRICS_TOKEN}` }), await health(admin)]) {
      expect(reply.status).toBe(200);
      expect(reply.body).toMatchObject({
        status: "ok",
        checks: { database: { status: "ok" }, queue: { status: "ok" }, mail: { status: "ok" } },
      });
    }
  });

  it("reports the database, each queue's lag, each provider's breaker, storage, mail without its password, and the versions of the app and its migrations", async () => {
    // A job waiting ten minutes in a queue no worker takes, and two breakers away from closed.
    const boss = createBoss(app.databaseUrl, { worker: false });
    await boss.start();
    try {
      await boss.createQueue(PROBE_QUEUE);
      await boss.send(PROBE_QUEUE, { probe: true });
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    await app.db
      .withSchema("pgboss")
      .updateTable("job" as never)
      .set({ start_after: new Date(Date.now() - 10 * 60_000) } as never)
      .where("name" as never, "=", PROBE_QUEUE as never)
      .execute();
    await app.db
      .insertInto("provider_breakers")
      .values([
        { provider: "openalex", state: "open", failure_times: "[]", opened_at: new Date(), updated_at: new Date() },
        { provider: "crossref", state: "closed", failure_times: "[]", opened_at: null, updated_at: new Date() },
      ])
      .execute();

    const { status, body } = await health(admin);
    expect(status).toBe(200);
    expect(body.status).toBe("degraded"); // the open breaker
    expect(body.checks.database).toEqual({ status: "ok", latencyMs: expect.any(Number) });

    const probe = body.checks.queue.queues.find((q: { queue: string }) => q.queue === PROBE_QUEUE);
    expect(probe.waiting).toBe(1);
    expect(probe.oldestWaitingSeconds).toBeGreaterThanOrEqual(600);
    expect(body.checks.queue.queues.map((q: { queue: string }) => q.queue)).toEqual(
      expect.arrayContaining(["document.plan", "section.write", "email.send", "section.write.dead"]),
    );

    expect(body.checks.breakers).toMatchObject({ status: "degraded", detail: "not closed: openalex (open)" });
    expect(body.checks.breakers.providers).toEqual([
      { provider: "openalex", state: "open", openedAt: expect.any(String) },
      { provider: "crossref", state: "closed", openedAt: null },
    ]);

    expect(body.checks.storage).toMatchObject({ status: "ok", backend: "postgres", detail: "files table" });
    expect(body.checks.mail).toEqual({
      status: "ok",
      latencyMs: null,
      transport: "smtp",
      detail: "smtp://127.0.0.1:2525",
    });
    expect(JSON.stringify(body)).not.toContain(SMTP_PASSWORD);

    const packageJson = JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../package.json"), "utf8"));
    const latestMigration = Object.keys(MIGRATIONS).sort().at(-1);
    expect(body.versions).toEqual({
      app: { version: packageJson.version, buildMode: expect.any(String), builtAt: expect.any(String) },
      migrations: { applied: latestMigration, expected: latestMigration },
    });
  });

  it("a database ahead of this build (a newer build applied a migration this one does not know) shows as degraded", async () => {
    await app.db.deleteFrom("provider_breakers").execute();
    expect((await health(admin)).body.status).toBe("ok");
    await app.db
      .insertInto("kysely_migration" as never)
      .values({ name: "2099_01_01_0000_from_a_newer_build", timestamp: new Date().toISOString() } as never)
      .execute();
    const { body } = await health(new Client(app), { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(body.status).toBe("degraded");
    expect(body.versions.migrations).toEqual({
      applied: "2099_01_01_0000_from_a_newer_build",
      expected: Object.keys(MIGRATIONS).sort().at(-1),
    });
  });
});
