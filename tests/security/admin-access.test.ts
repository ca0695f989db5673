// Issue 18, item 2: the admin area exists only for admins. Every /admin URL — each listed from the route files — answers
// a stranger and a customer exactly as an unknown URL does, for pages, actions and data requests alike; the audit log
// cannot be edited.
import { readdirSync } from "node:fs";
import path from "node:path";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, Client, type Reply, signedInCustomer, startApp } from "./app";

let app: App;
let customer: Client;
let admin: Client;

beforeAll(async () => {
  app = await startApp();
  customer = (await signedInCustomer(app)).client;
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
});
afterAll(() => app?.stop());

const SOME_ID = "3f2b1c9e-8d7a-4b6c-9e5f-1a2b3c4d5e6f";

/** Every URL of the admin area, from app/routes (Remix flat routes: dots are slashes, `$param` a segment). */
function adminUrls(): string[] {
  const routes = readdirSync(path.resolve(import.meta.dirname, "../../app/routes"));
  return routes
    .filter((file) => /^admin[._]/.test(file) || /^admin\.tsx?$/.test(file))
    .filter((file) => !/\.test\./.test(file))
    .map((file) => {
      const segments = file
        .replace(/\.tsx?$/, "")
        .split(".")
        .filter((segment) => segment !== "_index")
        .map((segment) => (segment.startsWith("$") ? SOME_ID : segment.replace(/^_/, "")));
      return `/${segments.join("/")}`;
    });
}

/** What an unknown URL answers, for the comparison: status and the page's heading. */
function shapeOf(reply: Reply) {
  return { status: reply.status, heading: /<h1[^>]*>([^<]*)<\/h1>/.exec(reply.text)?.[1] ?? null };
}

describe("only admins reach /admin", () => {
  it("lists the admin routes it checks (the dashboard and the audit log at least)", () => {
    expect(adminUrls()).toEqual(expect.arrayContaining(["/admin", "/admin/audit"]));
  });

  it.each(adminUrls())(
    "%s answers a stranger and a customer as an unknown URL does: page, action and data",
    async (url) => {
      const stranger = new Client(app);
      const unknownPage = shapeOf(await stranger.get("/no-such-page-here"));
      const unknownPost = shapeOf(await stranger.post("/no-such-page-here", { intent: "refund" }));
      const unknownData = (await stranger.get("/no-such-page-here.data")).status;
      expect(unknownPage).toEqual({ status: 404, heading: "Page not found" });
      for (const who of [stranger, customer]) {
        expect(shapeOf(await who.get(url))).toEqual(unknownPage);
        expect(
          shapeOf(await who.post(url, { intent: "refund", confirmation: "REFUND", reason: "a stranger's try" })),
        ).toEqual(unknownPost);
        expect((await who.get(`${url === "/admin" ? "/admin/_index" : url}.data`)).status).toBe(unknownData);
        expect((await who.get(`${url}.data?_routes=routes%2Fadmin`)).status).toBe(unknownData);
      }
    },
  );

  it("an admin is served the admin pages", async () => {
    for (const url of adminUrls().filter((u) => !u.includes(SOME_ID))) {
      const page = await admin.get(url);
      expect(page.status, url).toBe(200);
      expect(page.text).toContain('aria-label="Admin"');
    }
  });

  it("the admin area's own guard holds if a route is reached without the gate: a customer's cookie on a .data request of a nested route", async () => {
    const data = await customer.get("/admin/audit.data?_routes=routes%2Fadmin.audit");
    expect(data.status).toBe(404);
    expect(data.text).not.toContain("actor_email");
  });
});

describe("the audit log", () => {
  it("cannot be edited or deleted, even with the database's own statements", async () => {
    await app.db
      .insertInto("audit_log")
      .values({ action: "test.entry", details: JSON.stringify({}), reason: "to try to change it" })
      .execute();
    await expect(
      sql`update audit_log set reason = 'rewritten' where action = 'test.entry'`.execute(app.db),
    ).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where action = 'test.entry'`.execute(app.db)).rejects.toThrow(/append-only/);
    const page = await admin.get("/admin/audit?action=test.entry");
    expect(page.text).toContain("to try to change it");
  });
});
