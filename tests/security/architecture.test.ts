// Issue 17 (architecture): what moved between the layers still holds over HTTP against the running app — the job
// contract checks every payload at the worker's door, the writer chain is parsed once for the worker and the health
// check, the dev payment (now beside the card checkout) and "not found" answers, and revocation notices sent by the
// sessions model.
import type PgBoss from "pg-boss";
import { io as connect, type Socket } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { QUEUES } from "../../app/jobs/definitions";
import { eventually } from "../setup/fixtures";
import { spawnWeb } from "../setup/web-process";
import { spawnWorker, stopProcess } from "../setup/worker-process";
import { createCookieSessionStorage } from "@remix-run/node";
import { createSession } from "../../app/models/sessions.server";
import { type App, Client, HARNESS_SESSION_SECRET, signedInCustomer, startApp } from "./app";
import { draftOrder, queueOf } from "./money-app";

const METRICS_TOKEN = "monitoring-key-0b7d3e9a5c1f8e2d6a4c0b9e7f5d3a1c";

let app: App;
let boss: PgBoss;

beforeAll(async () => {
  app = await startApp({ METRICS_TOKEN });
  boss = await queueOf(app);
});
afterAll(async () => {
  await boss?.stop({ graceful: false, wait: true });
  await app?.stop();
});

/** Another browser of the same customer: a session of its own, in its own cookie. */
async function anotherBrowserOf(userId: string): Promise<string> {
  const session = await createSession(app.db, userId, { ip: null, userAgent: "second browser" });
  const storage = createCookieSessionStorage({
    cookie: { name: "__session", secrets: [HARNESS_SESSION_SECRET], path: "/", sameSite: "lax" },
  });
  const cookie = await storage.getSession();
  cookie.set("sessionId", session.id);
  return (await storage.commitSession(cookie)).split(";")[0]!;
}

/** The job once the app's worker is done with it (completed or failed). */
async function finishedJob(queue: string, id: string | null) {
  return eventually(`the app's worker to finish job ${id}`, async () => {
    const job = await boss.getJobById(queue, id!);
    return job && (job.state === "completed" || job.state === "failed") ? job : undefined;
  });
}

describe("issue 17: the contracts between web and worker", () => {
  it("a forged email job (a list of addresses, no HTML part) is refused at the worker's door, naming each wrong field, and no mail goes out", async () => {
    const forged = {
      to: ["victim@example.com", "mallory@example.com"],
      subject: "Forged: your refund is waiting",
      text: "Send your card number to…",
    };
    const job = await finishedJob(QUEUES.sendEmail, await boss.send(QUEUES.sendEmail, forged, { retryLimit: 0 }));
    expect(job.state).toBe("failed");
    expect(job.output).toMatchObject({
      message: "The payload of this email.send job is not valid: to must be an email address; html must be text.",
    });
    const mailbox = await new Client(app).get("/dev/mail");
    expect(mailbox.status).toBe(200);
    expect(mailbox.text).not.toContain("Forged: your refund");
  });

  it("a writer chain no worker could run shows as down on a web process' /health/detailed, with the words the worker refuses it in", async () => {
    const chain = { AI_FALLBACK_CHAIN: "compat:llama3.1@not-an-address", METRICS_TOKEN };
    const refusal = 'AI_FALLBACK_CHAIN: "compat:llama3.1@not-an-address" must look like compat:MODEL@BASE_URL';
    const web = await spawnWeb({ ...chain, DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir });
    try {
      const health = await fetch(`${web.url}/health/detailed`, {
        headers: { authorization: `Bearer ${METRICS_TOKEN}` },
      });
      expect(await health.json()).toMatchObject({
        status: "degraded",
        role: "web",
        checks: { providers: { status: "down", detail: refusal } },
      });
    } finally {
      await stopProcess(web.process);
    }
    await expect(spawnWorker({ ...chain, DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir })).rejects.toThrow(
      refusal,
    );
  });

  it("the dev payment queues the customer's order; to anyone else the order's page, review step, files and quality note are simply not found", async () => {
    const owner = await signedInCustomer(app);
    const id = await draftOrder(owner.client, { topic: "Monastic bookkeeping in the twelfth century" });
    const paid = await owner.client.post(`/orders/${id}/review`, { intent: "dev" });
    expect(paid.location).toBe(`/documents/${id}`);
    expect((await owner.client.get(`/documents/${id}`)).status).toBe(200);

    const stranger = await signedInCustomer(app);
    const urls = [
      `/documents/${id}`,
      `/orders/${id}/review`,
      `/documents/${id}/download/pdf`,
      `/documents/${id}/quality-note`,
    ];
    for (const url of [...urls, "/documents/not-a-document-id", "/documents/00000000-0000-4000-8000-000000000000"]) {
      expect((await stranger.client.get(url)).status, url).toBe(404);
    }
    // The owner's own download in an unknown format is not found either.
    expect((await owner.client.get(`/documents/${id}/download/exe`)).status).toBe(404);
  });

  it("signing out everywhere in one browser disconnects the live progress socket of the customer's other browser", async () => {
    const { client, userId } = await signedInCustomer(app);
    const id = await draftOrder(client, { topic: "Sockets that outlive their session" });
    const socket: Socket = connect(app.url, {
      transports: ["websocket"],
      extraHeaders: { cookie: await anotherBrowserOf(userId) },
      reconnection: false,
    });
    try {
      const joined = await new Promise<{ ok: boolean }>((resolve) => socket.emit("join", id, resolve));
      expect(joined).toEqual({ ok: true });
      const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
      expect((await client.post("/logout", { everywhere: "true" })).status).toBe(302);
      expect(await disconnected).toBe("io server disconnect");
    } finally {
      socket.close();
    }
  });
});
