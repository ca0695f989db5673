// Issue 18, item 5: /admin/jobs over HTTP against the running app (web + worker). Jobs are made to die as pg-boss does
// it: the original job failed with its error, and a copy of its payload sent to `<queue>.dead`; the app's worker then
// records the dead letter. pg-boss looks for expired jobs only every 10 minutes here, so a stuck job stays stuck.
import { randomUUID } from "node:crypto";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../app/jobs/queue.server";
import { eventually, insertUser } from "../setup/fixtures";
import { type App, Client, mailsTo, signedInCustomer, startApp } from "./app";
import { queueOf } from "./money-app";

let app: App;
let admin: Client;
let adminId: string;

beforeAll(async () => {
  app = await startApp({ QUEUE_MAINTENANCE_SECONDS: "600" });
  const signedIn = await signedInCustomer(app);
  await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", signedIn.userId).execute();
  admin = signedIn.client;
  adminId = signedIn.userId;
});
afterAll(() => app?.stop());

/** A job of `queue` dies of `error` as pg-boss makes it die; resolves with its dead letter's id once the worker saw it. */
async function killJob(queue: string, data: Record<string, unknown>, error: string): Promise<string> {
  const payload = JSON.stringify(data);
  const output = JSON.stringify({ message: error, name: "Error" });
  await sql`
    insert into pgboss.job (name, data, state, retry_limit, retry_count, started_on, completed_on, output)
    values (${queue}, ${payload}::jsonb, 'failed', 0, 0, now(), now(), ${output}::jsonb)`.execute(app.db);
  const { rows } = await sql<{ id: string }>`
    insert into pgboss.job (name, data, output, retry_limit)
    values (${`${queue}.dead`}, ${payload}::jsonb, ${output}::jsonb, 0) returning id`.execute(app.db);
  const id = rows[0]!.id;
  await eventually(`the worker to record the ${queue} dead letter`, () =>
    app.db.selectFrom("dead_letters").select("id").where("id", "=", id).executeTakeFirst(),
  );
  return id;
}

async function generatingOrder(topic: string) {
  const user = await insertUser(app.db);
  return app.db
    .insertInto("documents")
    .values({
      user_id: user.id,
      topic,
      pages: 5,
      language: "en",
      price_cents: 2500,
      status: "generating",
      quality_warnings: JSON.stringify([]),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
}

function emailPayload(to: string) {
  return { to, subject: "Your receipt", text: "Thank you for your order.", html: "<p>Thank you for your order.</p>" };
}

const auditRows = (action: string, targetId: string) =>
  app.db.selectFrom("audit_log").selectAll().where("action", "=", action).where("target_id", "=", targetId).execute();

const letterRow = (id: string) =>
  app.db.selectFrom("dead_letters").selectAll().where("id", "=", id).executeTakeFirstOrThrow();

/** The page's text with React's text separators removed. */
async function jobsPage(): Promise<string> {
  const page = await admin.get("/admin/jobs");
  expect(page.status).toBe(200);
  return page.text.replaceAll("<!-- -->", "");
}

function rowOf(html: string, attribute: string, id: string): string {
  const start = html.indexOf(`${attribute}="${id}"`);
  expect(start, `a row ${attribute}=${id}`).toBeGreaterThan(-1);
  return html.slice(start, html.indexOf("</tr>", start));
}

const emailJobsTo = async (to: string) =>
  (
    await sql<{
      state: string;
    }>`select state::text from pgboss.job where name = 'email.send' and data->>'to' = ${to}`.execute(app.db)
  ).rows.map((row) => row.state);

describe("item 5: /admin/jobs", () => {
  it("counts each queue's jobs by state, and shows a job active past its expiry as stuck, with a count", async () => {
    // pg-boss first looks for expired jobs QUEUE_MAINTENANCE_SECONDS (10 minutes) after boot: this one stays stuck.
    const order = await generatingOrder("An order whose export worker died");
    const { rows } = await sql<{ id: string }>`
      insert into pgboss.job (name, data, state, started_on, expire_in)
      values ('document.export', ${JSON.stringify({ documentId: order.id })}::jsonb, 'active',
        now() - interval '1 hour', interval '5 minutes')
      returning id`.execute(app.db);
    await sql`
      insert into pgboss.job (name, data, state, started_on, expire_in)
      values ('document.export', '{}'::jsonb, 'active', now(), interval '5 minutes')`.execute(app.db);

    const html = await jobsPage();
    const exportRow = rowOf(html, "data-queue", "document.export");
    // created, retry, active (both), completed, cancelled, failed; then stuck.
    expect([...exportRow.matchAll(/<td[^>]*>(\d+)/g)].map((m) => Number(m[1]))).toEqual([0, 0, 2, 0, 0, 0, 1]);
    expect(exportRow).toContain(">stuck</span>");
    expect(rowOf(html, "data-queue", "email.send.dead")).not.toContain(">stuck</span>");
    expect(html).toContain('data-stuck-count="1"');
    const stuck = rowOf(html, "data-stuck-job", rows[0]!.id);
    expect(stuck).toContain(`href="/admin/documents/${order.id}"`);
    expect(stuck).toContain(">stuck</span>");
  });

  it("lists a dead letter with the error it died of, its payload and a link to its order, and says why retrying it would be refused", async () => {
    const order = await generatingOrder("An order whose outline kept failing");
    const id = await killJob("document.plan", { documentId: order.id }, "Every writer in the chain failed (injected)");
    // The worker's dead-letter handler failed the order, as it always has.
    await eventually("the order to be failed", async () =>
      (await app.db.selectFrom("documents").select("status").where("id", "=", order.id).executeTakeFirstOrThrow())
        .status === "failed"
        ? true
        : undefined,
    );

    const row = rowOf(await jobsPage(), "data-dead-letter", id);
    expect(row).toContain("document.plan");
    expect(row).toContain("Every writer in the chain failed (injected)");
    expect(row).toContain(`&quot;documentId&quot;: &quot;${order.id}&quot;`);
    expect(row).toContain(`href="/admin/documents/${order.id}"`);
    expect(row).toContain("An order whose outline kept failing");
    expect(row).toContain("Retry is refused: its order is failed (any payment of it refunded in full)");
  });

  it("retrying an email's dead letter sends the email again, marks the letter handled and audits it, and the same form sent twice at once retries once", async () => {
    const to = `retry-${randomUUID().slice(0, 8)}@example.com`;
    const id = await killJob("email.send", emailPayload(to), "SMTP 421 try again later (injected)");
    expect(await emailJobsTo(to)).toEqual(["failed"]);

    const form = { intent: "retry", ids: id, reason: "the mail server is back" };
    const replies = await Promise.all([admin.post("/admin/jobs", form), admin.post("/admin/jobs", form)]);
    expect(replies.map((r) => r.status).sort()).toEqual([200, 409]);
    expect(replies.find((r) => r.status === 200)!.text).toMatch(
      /1 dead letter retried \(sent again: email\.send as job/,
    );
    expect(replies.find((r) => r.status === 409)!.text).toContain("had been handled already");

    const mails = await mailsTo(app, to);
    expect(mails.map((m) => m.subject)).toEqual(["Your receipt"]);
    const letter = await letterRow(id);
    expect(letter).toMatchObject({ outcome: "retried", handled_by: adminId });
    expect((await emailJobsTo(to)).filter((state) => state !== "failed")).toHaveLength(1);
    const audit = await auditRows("job.retried", id);
    expect(audit).toEqual([
      expect.objectContaining({ actor_user_id: adminId, target_type: "job", reason: "the mail server is back" }),
    ]);
    expect(audit[0]!.details).toMatchObject({ queue: "email.send", jobId: letter.retry_job_id });

    const html = await jobsPage();
    expect(html).not.toContain(`data-dead-letter="${id}"`);
    expect(rowOf(html, "data-handled-dead-letter", id)).toContain("retried");
  });

  it("retrying the dead letter of an order that was failed and refunded is refused with a message saying why, and nothing is sent or handled", async () => {
    const order = await generatingOrder("An order whose sections kept failing");
    const id = await killJob("section.write", { documentId: order.id, sectionId: randomUUID() }, "timeout");
    await app.db.updateTable("documents").set({ status: "refunded" }).where("id", "=", order.id).execute();

    const reply = await admin.post("/admin/jobs", { intent: "retry", ids: id });
    expect(reply.status).toBe(409);
    expect(reply.text.replaceAll("<!-- -->", "")).toContain(
      "its order is failed and refunded in full: a re-sent section.write job would find it so and do nothing",
    );
    expect(await letterRow(id)).toMatchObject({ handled_at: null, outcome: null });
    expect(await auditRows("job.retried", id)).toEqual([]);
    const { rows } =
      await sql`select 1 from pgboss.job where name = 'section.write' and data->>'documentId' = ${order.id}
      and state <> 'failed'`.execute(app.db);
    expect(rows).toEqual([]);
  });

  it("a bulk retry holding one letter that cannot be retried retries none of them, and says which and why", async () => {
    const to = `bulk-${randomUUID().slice(0, 8)}@example.com`;
    const email = await killJob("email.send", emailPayload(to), "bounced");
    const order = await generatingOrder("An order whose review kept failing");
    const review = await killJob("document.review", { documentId: order.id }, "timeout");
    const body = new URLSearchParams([
      ["intent", "retry"],
      ["ids", email],
      ["ids", review],
    ]);
    const reply = await admin.post("/admin/jobs", body);
    expect(reply.status).toBe(409);
    expect(reply.text.replaceAll("<!-- -->", "")).toContain(
      `the document.review dead letter ${review} cannot be retried`,
    );
    for (const id of [email, review]) expect(await letterRow(id)).toMatchObject({ handled_at: null });
    expect(await emailJobsTo(to)).toEqual(["failed"]);
  });

  it("retrying the dead export of a delivered order without files builds them and emails the customer", async () => {
    const order = await generatingOrder("A delivered order whose files were never made");
    await app.db.updateTable("documents").set({ status: "completed" }).where("id", "=", order.id).execute();
    const id = await killJob("document.export", { documentId: order.id }, "PDF renderer crashed (injected)");
    expect(rowOf(await jobsPage(), "data-dead-letter", id)).toContain(
      "Retry runs the document.export step of the order again.",
    );

    const reply = await admin.post("/admin/jobs", { intent: "retry", ids: id });
    expect(reply.status).toBe(200);
    const files = await eventually("the order's files", async () => {
      const row = await app.db
        .selectFrom("documents")
        .select(["docx_key", "pdf_key", "status"])
        .where("id", "=", order.id)
        .executeTakeFirstOrThrow();
      return row.docx_key ? row : undefined;
    });
    expect(files).toMatchObject({ status: "completed", pdf_key: expect.any(String) });
    const owner = await app.db
      .selectFrom("documents")
      .innerJoin("users", "users.id", "documents.user_id")
      .select("users.email")
      .where("documents.id", "=", order.id)
      .executeTakeFirstOrThrow();
    expect((await mailsTo(app, owner.email)).map((m) => m.subject).join("\n")).toMatch(/ready/i);
  });

  it("ticked dead letters are discarded together, each with its own audit row and the admin's reason", async () => {
    const first = await killJob("email.send", emailPayload("discard-1@example.com"), "bounced");
    const second = await killJob("email.send", emailPayload("discard-2@example.com"), "bounced");
    const body = new URLSearchParams([
      ["intent", "discard"],
      ["ids", first],
      ["ids", second],
      ["reason", "addresses that no longer exist"],
    ]);
    const reply = await admin.post("/admin/jobs", body);
    expect(reply.status).toBe(200);
    expect(reply.text).toContain("2 dead letters discarded.");
    for (const id of [first, second]) {
      expect(await letterRow(id)).toMatchObject({ outcome: "discarded", handled_by: adminId, retry_job_id: null });
      expect(await auditRows("job.discarded", id)).toEqual([
        expect.objectContaining({ actor_user_id: adminId, reason: "addresses that no longer exist" }),
      ]);
    }
    expect(await emailJobsTo("discard-1@example.com")).toEqual(["failed"]);
    const html = await jobsPage();
    expect(html).not.toContain(`data-dead-letter="${first}"`);
    expect(html).toContain(`data-handled-dead-letter="${second}"`);
  });

  it("ids that are malformed or name no dead letter are refused with a 400 that says so, and nothing is handled", async () => {
    const real = await killJob("email.send", emailPayload("kept@example.com"), "bounced");
    const malformed = await admin.post(
      "/admin/jobs",
      new URLSearchParams([
        ["intent", "retry"],
        ["ids", real],
        ["ids", "not-an-id"],
      ]),
    );
    expect(malformed.status).toBe(400);
    expect(malformed.text).toContain("&quot;not-an-id&quot; is not a dead letter&#x27;s id.");

    const unknown = randomUUID();
    const missing = await admin.post(
      "/admin/jobs",
      new URLSearchParams([
        ["intent", "discard"],
        ["ids", real],
        ["ids", unknown],
      ]),
    );
    expect(missing.status).toBe(400);
    expect(missing.text).toContain(`no dead letter has the id ${unknown}`);

    const none = await admin.post("/admin/jobs", { intent: "discard" });
    expect(none.status).toBe(400);
    expect(none.text).toContain("Tick at least one dead letter.");
    const noIntent = await admin.post("/admin/jobs", { intent: "delete-everything", ids: real });
    expect(noIntent.status).toBe(400);
    expect(noIntent.text).toContain("Choose Retry or Discard.");

    expect(await letterRow(real)).toMatchObject({ handled_at: null });
    expect(await sql`select 1 from audit_log where target_id = ${real}`.execute(app.db)).toMatchObject({ rows: [] });
  });
});

describe("item 5: attacks on the dead-letter actions", () => {
  it("a forged job id cannot retry a job of another queue: a live job's id is no dead letter, and a queue named in the form is ignored", async () => {
    const { rows } = await sql<{ id: string }>`
      insert into pgboss.job (name, data, state, start_after)
      values ('payment.refund', ${JSON.stringify({ paymentId: randomUUID(), reason: "forged" })}::jsonb, 'created',
        now() + interval '1 day')
      returning id`.execute(app.db);
    const live = await admin.post("/admin/jobs", { intent: "retry", ids: rows[0]!.id });
    expect(live.status).toBe(400);
    expect(live.text).toContain(`no dead letter has the id ${rows[0]!.id}`);

    const to = `forged-${randomUUID().slice(0, 8)}@example.com`;
    const id = await killJob("email.send", emailPayload(to), "bounced");
    const reply = await admin.post("/admin/jobs", { intent: "retry", ids: id, queue: "payment.refund" });
    expect(reply.status).toBe(200);
    const letter = await letterRow(id);
    const { rows: sent } = await sql<{
      name: string;
    }>`select name from pgboss.job where id = ${letter.retry_job_id}`.execute(app.db);
    expect(sent).toEqual([{ name: "email.send" }]);
    const { rows: refunds } =
      await sql`select 1 from pgboss.job where name = 'payment.refund' and data->>'reason' <> 'forged'`.execute(app.db);
    expect(refunds).toEqual([]);
  });
});

describe("item 5: dead letters are kept 30 days", () => {
  it("every dead-letter queue keeps its jobs 30 days, a queue made with the old 14 days included, and the hourly maintenance forgets records older than that", async () => {
    await sql`update pgboss.queue set retention_minutes = ${60 * 24 * 14} where name like '%.dead'`.execute(app.db);
    const boss = await queueOf(app);
    try {
      await ensureQueues(boss);
    } finally {
      await boss.stop({ graceful: false, wait: true });
    }
    const { rows } = await sql<{ name: string; retention_minutes: number }>`
      select name, retention_minutes from pgboss.queue where name like '%.dead'`.execute(app.db);
    expect(rows.length).toBeGreaterThanOrEqual(8);
    for (const row of rows) expect(row, row.name).toMatchObject({ retention_minutes: 60 * 24 * 30 });

    const recent = await killJob("email.send", emailPayload("recent@example.com"), "bounced");
    const old = await killJob("email.send", emailPayload("old@example.com"), "bounced");
    await sql`update dead_letters set died_at = now() - interval '31 days' where id = ${old}`.execute(app.db);
    await sql`insert into pgboss.job (name) values ('maintenance.hourly')`.execute(app.db);
    await sql`select pg_notify('tesigo_jobs', 'maintenance.hourly')`.execute(app.db);
    await eventually("the old dead letter to be forgotten", async () =>
      (await app.db.selectFrom("dead_letters").select("id").where("id", "=", old).executeTakeFirst())
        ? undefined
        : true,
    );
    expect(await letterRow(recent)).toMatchObject({ handled_at: null });
  });
});
