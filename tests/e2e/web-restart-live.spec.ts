import { readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { spawnWeb, type WebProcess } from "../setup/web-process";
import { stopProcess } from "../setup/worker-process";
import { acceptEssentialConsent, latestMail, magicLinkOf, orderAndPay, requestCode, uniqueEmail } from "./helpers";
import { E2E } from "./servers";

// The browser side of the socket soak (scripts/soak-sockets.ts), in the "live" project (its name ends in live.spec.ts):
// a web process of its own on the cluster's database (tests/setup/web-process.ts), killed while the page watches a
// document, which the cluster's worker completes while no web process serves the page; started again, the page
// must show the delivered document without a reload.
type Cluster = { databaseUrl: string; webs: [string, string] };

let cluster: Cluster;
let web: WebProcess | undefined;

test.beforeAll(() => {
  cluster = JSON.parse(readFileSync(path.join(E2E.live.dataDir, "cluster.json"), "utf8"));
});

test.afterAll(async () => {
  if (web) await stopProcess(web.process);
});

test("a document completed while its page's web process was down shows as delivered once a web process is back", async ({
  browser,
}) => {
  test.setTimeout(300_000);
  web = await spawnWeb({ DATABASE_URL: cluster.databaseUrl, DATA_DIR: E2E.live.dataDir, SMTP_URL: "" });
  const port = web.port;
  const context = await browser.newContext({ baseURL: web.url });
  const page = await context.newPage();
  const email = uniqueEmail("restart");
  await requestCode(page, email);
  await page.goto(magicLinkOf(await latestMail(E2E.live.dataDir, email)));
  await acceptEssentialConsent(page);

  const documentPath = await orderAndPay(page, "Night trains and short-haul flights in Europe", 5);
  const documentId = documentPath.split("/").pop()!;
  await expect(page.getByText("· live")).toBeVisible();

  await stopProcess(web.process, "SIGKILL");
  await expect(page.getByText("· reconnecting…")).toBeVisible();
  expect(await page.getByTestId("progress-percent").textContent()).not.toBe("100%");

  const database = new pg.Client({ connectionString: cluster.databaseUrl });
  await database.connect();
  const status = async () =>
    (await database.query<{ status: string }>("select status from documents where id = $1", [documentId])).rows[0]
      ?.status;
  await expect.poll(status, { timeout: 120_000, message: "the worker delivers the document" }).toMatch(/^completed/);
  await database.end();
  // Nothing served the page while the document was delivered.
  expect(await page.getByTestId("progress-percent").textContent()).not.toBe("100%");

  web = await spawnWeb({ DATABASE_URL: cluster.databaseUrl, DATA_DIR: E2E.live.dataDir, SMTP_URL: "" }, { port });
  await expect(page.getByTestId("progress-percent")).toHaveText("100%", { timeout: 60_000 });
  await context.close();
});
