import { randomUUID } from "node:crypto";
import type PgBoss from "pg-boss";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocument, createDraftDocument } from "../../app/models/documents.server";
import { recordConsents } from "../../app/models/users.server";
import { useDatabase } from "../../app/utils/db.server";
import { useBoss } from "../../app/jobs/queue.server";
import { startSession } from "../../app/utils/session-cookie.server";
import { storeFile } from "../../app/utils/storage.server";
import * as documentPage from "../../app/routes/documents.$id";
import * as progressApi from "../../app/routes/api.documents.$id.progress";
import * as topicStep from "../../app/routes/orders.$id.topic";
import * as detailsStep from "../../app/routes/orders.$id.details";
import * as requirementsStep from "../../app/routes/orders.$id.requirements";
import * as reviewStep from "../../app/routes/orders.$id.review";
import * as download from "../../app/routes/documents.$id.download.$format";
import * as qualityNote from "../../app/routes/documents.$id.quality-note";
import { createTestDatabase, type TestDatabase } from "../setup/database";
import { insertUser, startTestBoss } from "../setup/fixtures";

// Every route that takes a document id answers another user's id exactly like an id that does not exist: 404.
let database: TestDatabase;
let boss: PgBoss;
let strangerCookie: string;
let ownerCookie: string;
const ids: Record<string, string> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  useDatabase(database.db);
  boss = useBoss(await startTestBoss(database.url));
  const owner = await insertUser(database.db);
  const stranger = await insertUser(database.db);
  for (const user of [owner, stranger]) {
    await recordConsents(
      database.db,
      user.id,
      { essential: true, analytics: false, marketing: false },
      { ip: null, userAgent: null },
    );
  }
  ownerCookie = (await startSession(owner.id, { ip: null, userAgent: "vitest" })).split(";")[0];
  strangerCookie = (await startSession(stranger.id, { ip: null, userAgent: "vitest" })).split(";")[0];
  ids.draft = (
    await createDraftDocument(database.db, owner.id, { kind: "essay", topic: "The owner's private draft" })
  ).id;
  ids.placed = (
    await createDocument(database.db, owner.id, { topic: "The owner's placed order", pages: 5, language: "en" })
  ).id;
  // A delivered document of the owner: files exist for it, so only ownership decides.
  ids.delivered = (
    await createDocument(database.db, owner.id, { topic: "The owner's delivered document", pages: 5, language: "en" })
  ).id;
  await database.db
    .updateTable("documents")
    .set({
      status: "completed",
      content: "# t\n\n## h\n\ntext",
      pdf_key: await storeFile(`documents/${ids.delivered}`, Buffer.from("%PDF-1.4 test"), "pdf"),
    })
    .where("id", "=", ids.delivered)
    .execute();
});

afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await database?.destroy();
});

type RouteModule = { loader?: (args: any) => Promise<unknown>; action?: (args: any) => Promise<unknown> };

const ROUTES: [string, RouteModule, string][] = [
  ["/documents/:id", documentPage, "/documents/ID"],
  ["/api/documents/:id/progress", progressApi, "/api/documents/ID/progress"],
  ["/orders/:id/topic", topicStep, "/orders/ID/topic"],
  ["/orders/:id/details", detailsStep, "/orders/ID/details"],
  ["/orders/:id/requirements", requirementsStep, "/orders/ID/requirements"],
  ["/orders/:id/review", reviewStep, "/orders/ID/review"],
  ["/documents/:id/download/pdf", download, "/documents/ID/download/pdf"],
  ["/documents/:id/quality-note", qualityNote, "/documents/ID/quality-note"],
];

async function statusOf(run: () => Promise<unknown>): Promise<number> {
  try {
    const result = await run();
    return result instanceof Response ? result.status : 200;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

function call(
  module: RouteModule,
  kind: "loader" | "action",
  path: string,
  id: string,
  cookie: string,
  body?: BodyInit,
) {
  const request = new Request(`http://localhost${path.replace("ID", id)}`, {
    method: kind === "loader" ? "GET" : "POST",
    headers: { cookie, ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}) },
    body,
  });
  return module[kind]!({ request, params: { id, format: "pdf" }, context: { ip: "127.0.0.1", requestId: "test" } });
}

describe("IDOR: another user's document is not found", () => {
  for (const [name, module, path] of ROUTES) {
    for (const kind of ["loader", "action"] as const) {
      if (!module[kind]) continue;
      it(`${kind} of ${name}`, async () => {
        for (const target of [ids.draft, ids.placed, ids.delivered]) {
          const body =
            kind === "action"
              ? new URLSearchParams({
                  intent: "dev",
                  topic: "Changed by a stranger",
                  kind: "essay",
                  pages: "9",
                  language: "en",
                  citationStyle: "apa7",
                })
              : undefined;
          expect(await statusOf(() => call(module, kind, path, target, strangerCookie, body))).toBe(404);
        }
        // The same answer as for an id that does not exist, or is not an id at all.
        expect(
          await statusOf(() =>
            call(
              module,
              kind,
              path,
              randomUUID(),
              strangerCookie,
              kind === "action" ? new URLSearchParams({ intent: "dev" }) : undefined,
            ),
          ),
        ).toBe(404);
        expect(
          await statusOf(() =>
            call(
              module,
              kind,
              path,
              "not-an-id",
              strangerCookie,
              kind === "action" ? new URLSearchParams({ intent: "dev" }) : undefined,
            ),
          ),
        ).toBe(404);
      });
    }
  }

  it("left the owner's orders untouched, and the owner can still open them", async () => {
    const rows = await database.db
      .selectFrom("documents")
      .select(["id", "topic", "status", "pages"])
      .where("id", "in", [ids.draft, ids.placed])
      .execute();
    expect(rows.find((r) => r.id === ids.draft)).toMatchObject({
      topic: "The owner's private draft",
      status: "draft",
      pages: 10,
    });
    expect(rows.find((r) => r.id === ids.placed)).toMatchObject({
      topic: "The owner's placed order",
      status: "awaiting_payment",
    });
    expect(await database.db.selectFrom("payments").selectAll().execute()).toEqual([]);
    expect(await statusOf(() => call(topicStep, "loader", "/orders/ID/topic", ids.draft, ownerCookie))).toBe(200);
    expect(await statusOf(() => call(reviewStep, "loader", "/orders/ID/review", ids.placed, ownerCookie))).toBe(200);
    expect(
      await statusOf(() => call(download, "loader", "/documents/ID/download/pdf", ids.delivered, ownerCookie)),
    ).toBe(200);
    expect(
      await statusOf(() => call(qualityNote, "loader", "/documents/ID/quality-note", ids.delivered, ownerCookie)),
    ).toBe(200);
  });
});
