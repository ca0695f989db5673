import { readFileSync } from "node:fs";
import path from "node:path";
import { isDeepStrictEqual } from "node:util";
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import pg from "pg";
import { io } from "socket.io-client";
import { acceptEssentialConsent, latestMail, magicLinkOf, orderAndPay, requestCode, uniqueEmail } from "./helpers";
import { E2E } from "./servers";

// Against the cluster of tests/setup/web-process.ts: web processes A and B and one worker on one database.
type Cluster = { databaseUrl: string; webs: [string, string] };
type SocketEvent = [string, Record<string, unknown>];
type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;

let cluster: Cluster;
let signedIn: StorageState;

test.beforeAll(async ({ browser }) => {
  cluster = JSON.parse(readFileSync(path.join(E2E.live.dataDir, "cluster.json"), "utf8"));
  // One account for the file; a session cookie is valid on both web processes (cookies ignore the port).
  const context = await browser.newContext({ baseURL: cluster.webs[0] });
  const page = await context.newPage();
  const email = uniqueEmail("live");
  await requestCode(page, email);
  await page.goto(magicLinkOf(await latestMail(E2E.live.dataDir, email)));
  await acceptEssentialConsent(page);
  signedIn = await context.storageState();
  await context.close();
});

async function openContext(browser: Browser, baseURL: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ baseURL, storageState: signedIn });
  return { context, page: await context.newPage() };
}

/** Every socket.io event the page receives (`42["name",{...}]` frames), as [name, payload]. */
function recordSocketEvents(page: Page): SocketEvent[] {
  const events: SocketEvent[] = [];
  page.on("websocket", (ws) => {
    if (!ws.url().includes("/socket.io/")) return;
    ws.on("framereceived", ({ payload }) => {
      const match = /^42(\[[\s\S]*\])$/.exec(typeof payload === "string" ? payload : payload.toString("utf8"));
      if (match) events.push(JSON.parse(match[1]) as SocketEvent);
    });
  });
  return events;
}

/** The worker's events as NOTIFYed on the app channel: the truth the browsers are compared with. */
async function listenToDatabase(databaseUrl: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  const events: { documentId: string; event: { type: string } & Record<string, unknown> }[] = [];
  client.on("notification", (m) => m.payload && events.push(JSON.parse(m.payload)));
  await client.connect();
  await client.query("LISTEN tesigo_document_events");
  return { events, close: () => client.end() };
}

type PageState = { percent: number; sections: { heading: string; status: string }[] };

async function stateOnScreen(page: Page): Promise<PageState> {
  return page.evaluate(() => ({
    percent: Number.parseInt(document.querySelector("[data-testid=progress-percent]")?.textContent ?? "0", 10),
    sections: [...document.querySelectorAll<HTMLElement>("[data-testid=section-progress]")].map((li) => ({
      heading: li.querySelector("span.flex-1")?.textContent ?? "",
      status: li.dataset.status ?? "",
    })),
  }));
}

async function stateInDatabase(page: Page, documentId: string): Promise<PageState> {
  const snapshot = await (await page.request.get(`/api/documents/${documentId}/progress`)).json();
  return {
    percent: snapshot.percent,
    sections: snapshot.sections.map((s: { heading: string; status: string }) => ({
      heading: s.heading,
      status: s.status,
    })),
  };
}

const percentOf = async (page: Page) => (await stateOnScreen(page)).percent;
const idOf = (documentPath: string) => documentPath.split("/").pop()!;

test("two browsers on different web processes both receive every event of the worker", async ({ browser }) => {
  const database = await listenToDatabase(cluster.databaseUrl);
  const a = await openContext(browser, cluster.webs[0]);
  const b = await openContext(browser, cluster.webs[1]);
  const seenOnA = recordSocketEvents(a.page);
  const seenOnB = recordSocketEvents(b.page);

  const documentPath = await orderAndPay(a.page, "Tidal energy and the North Sea fisheries", 12);
  const documentId = idOf(documentPath);
  await b.page.goto(documentPath);
  await expect(a.page.getByText("· live")).toBeVisible();
  await expect(b.page.getByText("· live")).toBeVisible();
  // From here on both are in the room: every event the worker sends must reach both.
  const from = database.events.length;

  for (const seen of [seenOnA, seenOnB]) {
    await expect.poll(() => seen.some(([name]) => name === "completed"), { timeout: 60_000 }).toBe(true);
  }
  await expect(a.page.getByTestId("progress-percent")).toHaveText("100%");
  await expect(b.page.getByTestId("progress-percent")).toHaveText("100%");
  await database.close();

  const sent: SocketEvent[] = database.events
    .slice(from)
    .filter((e) => e.documentId === documentId)
    .map(({ documentId: id, event: { type, ...data } }) => [type, { documentId: id, ...data }]);
  expect(sent.filter(([name]) => name === "section").length).toBeGreaterThanOrEqual(6);
  for (const seen of [seenOnA, seenOnB]) {
    // In order, none missing (the browser may also have had earlier ones, from before `from`).
    const mine = seen.filter(([, payload]) => payload.documentId === documentId);
    let at = 0;
    const missing = sent.filter((event) => {
      const found = mine.findIndex((candidate, i) => i >= at && isDeepStrictEqual(candidate, event));
      if (found === -1) return true;
      at = found + 1;
      return false;
    });
    expect(missing).toEqual([]);
  }
  await Promise.all([a.context.close(), b.context.close()]);
});

test("the server drops the socket mid-generation: polling keeps the page moving, then the socket returns", async ({
  browser,
}) => {
  const { context, page } = await openContext(browser, cluster.webs[0]);
  const documentPath = await orderAndPay(page, "Rural broadband and the geography of remote work", 36);
  const documentId = idOf(documentPath);
  await expect(page.getByText("· live")).toBeVisible();
  await expect(page.locator("[data-testid=section-progress][data-status=passed]").first()).toBeVisible({
    timeout: 30_000,
  });

  // The page's polling reads (X-Progress-Read: poll) and the percent each one answered, in order.
  const polls: number[] = [];
  let live = false;
  let pollsWhileLive = 0;
  page.on("response", async (response) => {
    const request = response.request();
    if (new URL(request.url()).pathname !== `/api/documents/${documentId}/progress`) return;
    if ((await request.headerValue("x-progress-read")) !== "poll") return;
    if (live) pollsWhileLive++;
    else polls.push(((await response.json()) as { percent: number }).percent);
  });
  // A second client of the same user asks the (NODE_ENV=test) server to cut the page's socket and refuse its session
  // until this test allows it again: the socket's absence lasts as long as the test needs, on any machine.
  const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
  const driver = io(cluster.webs[0], { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
  await new Promise<void>((resolve, reject) => {
    driver.once("connect", resolve);
    driver.once("connect_error", reject);
  });
  expect(await driver.emitWithAck("test:drop", { documentId, refuseForMs: 60_000 })).toEqual({ dropped: 1 });
  await expect(page.getByText("· reconnecting…")).toBeVisible();
  // Read once the socket is gone: whatever the page shows beyond this from now on came by polling.
  const before = await percentOf(page);
  // Polling goes on (two reads at least) and one of its reads brought the page a later state than it had.
  await expect
    .poll(() => polls.length >= 2 && polls.some((percent) => percent > before), {
      timeout: 60_000,
      message: "the page keeps polling and progress comes by it",
    })
    .toBe(true);
  await expect.poll(() => percentOf(page), { message: "the page shows what the polling read" }).toBeGreaterThan(before);
  await expect(page.getByText("· reconnecting…")).toBeVisible(); // still without a socket: that was the polling

  expect(await driver.emitWithAck("test:allow", {})).toEqual({ allowed: true });
  driver.close();
  await expect(page.getByText("· live")).toBeVisible({ timeout: 30_000 });
  live = true;
  // Back on the socket, polling stops: until the document is done, at most one read of the polling that was already
  // on its way when the socket came back (the snapshot read after a (re)connect is not a poll).
  await expect(page.getByTestId("progress-percent")).toHaveText("100%", { timeout: 90_000 });
  expect(pollsWhileLive).toBeLessThanOrEqual(1);
  await context.close();
});

test("a refresh mid-generation shows the same state", async ({ browser }) => {
  const { context, page } = await openContext(browser, cluster.webs[1]);
  const documentPath = await orderAndPay(page, "Municipal composting programmes in small towns", 12);
  const documentId = idOf(documentPath);
  await expect(page.getByText("· live")).toBeVisible();
  await expect(page.locator("[data-testid=section-progress][data-status=passed]").first()).toBeVisible({
    timeout: 30_000,
  });

  const before = await stateOnScreen(page);
  expect(before.percent).toBeLessThan(100);
  await page.reload();
  const after = await stateOnScreen(page);
  // The server-rendered page starts from the database: nothing seen before is lost or stepped back.
  expect(after.sections.map((s) => s.heading)).toEqual(before.sections.map((s) => s.heading));
  expect(after.percent).toBeGreaterThanOrEqual(before.percent);
  before.sections.forEach((s, i) => {
    if (s.status === "passed") expect(after.sections[i].status).toBe("passed");
  });
  // And it shows exactly what the database holds (read again until both are read between two events).
  await expect
    .poll(async () => isDeepStrictEqual(await stateOnScreen(page), await stateInDatabase(page, documentId)), {
      timeout: 10_000,
    })
    .toBe(true);
  await expect(page.getByText("· live")).toBeVisible();
  await expect(page.getByTestId("progress-percent")).toHaveText("100%", { timeout: 60_000 });
  await context.close();
});
