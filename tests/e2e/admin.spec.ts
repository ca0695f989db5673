// An admin's walk through the admin area (issue 18), in Chromium against the "admin" app (playwright.config.ts): the
// dashboard, an order that failed for real and its page, a partial refund, and a dead letter retried. The app's writer
// is a fake OpenAI this spec runs, so it can make one order's writer fail.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Browser, type Page } from "@playwright/test";
import pg from "pg";
import { runningEmbeddedUrl } from "../../db/embedded";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { acceptEssentialConsent, codeOf, latestMail, orderAndPay, requestCode, signUp, uniqueEmail } from "./helpers";
import { E2E } from "./servers";

const { dataDir, pgPort } = E2E.apps.admin;
/** SCREENSHOTS=1 npm run test:e2e -- --project admin refreshes the README's pictures. */
const screenshotsTo = process.env.SCREENSHOTS === "1" ? path.resolve("docs/screenshots") : null;

let openai: FakeOpenAI;
test.beforeAll(async () => {
  openai = await startFakeOpenAI({ port: E2E.adminFakeOpenAIPort });
});
test.afterAll(async () => {
  await openai?.close();
});

/** `npm run create-admin -- EMAIL` against the running app's embedded Postgres; its one line. */
async function createAdmin(email: string): Promise<string> {
  const { stdout } = await promisify(execFile)("node", ["--import", "tsx", "scripts/create-admin.ts", email], {
    env: { ...process.env, NODE_ENV: "test", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), DATABASE_URL: "" },
  });
  return stdout.trim();
}

/** An email job whose last try failed, as pg-boss leaves it: the failed job, and its copy in the dead-letter queue. */
async function killEmailJob(to: string) {
  const client = new pg.Client({ connectionString: runningEmbeddedUrl(path.resolve(dataDir, "pg"), pgPort)! });
  await client.connect();
  try {
    const data = JSON.stringify({
      to,
      subject: "Your receipt",
      text: "Thank you for your order.",
      html: "<p>Thanks</p>",
    });
    const output = JSON.stringify({ message: "SMTP 421 try again later", name: "Error" });
    await client.query(
      `insert into pgboss.job (name, data, state, retry_limit, retry_count, started_on, completed_on, output)
       values ('email.send', $1::jsonb, 'failed', 0, 0, now(), now(), $2::jsonb)`,
      [data, output],
    );
    await client.query(
      `insert into pgboss.job (name, data, output, retry_limit) values ('email.send.dead', $1::jsonb, $2::jsonb, 0)`,
      [data, output],
    );
  } finally {
    await client.end();
  }
}

async function signInAsAdmin(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await requestCode(page, email);
  await page.getByLabel("Code from the email").fill(codeOf(await latestMail(dataDir, email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(page); // create-admin made a new account: it gives its privacy choices first
  await expect(page.getByRole("link", { name: "Admin" })).toBeVisible();
  return page;
}

const shot = async (page: Page, name: string) => {
  if (screenshotsTo) await page.screenshot({ path: path.join(screenshotsTo, name), fullPage: true });
};

test("an admin watches the business, finds a failed order, refunds part of another and retries a dead letter", async ({
  page,
  browser,
}, testInfo) => {
  test.setTimeout(420_000);
  // A customer's order is written and delivered.
  await signUp(page, testInfo, "admin-walk-customer");
  const delivered = await orderAndPay(page, "Cooperative housing in Vienna since 1920");
  await expect(page.getByText("Completed", { exact: true })).toBeVisible({ timeout: 120_000 });
  const deliveredId = delivered.split("/").at(-1)!;

  // The writer now refuses every call: the next order's plan fails on every try and lands in its dead-letter queue.
  openai.failNext({ status: 401, message: "Incorrect API key provided (injected)" }, 1_000_000);
  const failing = await orderAndPay(page, "Tidal energy in the Bay of Fundy");
  const failingId = failing.split("/").at(-1)!;

  // The admin is made from the command line, against the running app's database, and signs in like anyone.
  const adminEmail = uniqueEmail("admin-walk");
  expect(await createAdmin(adminEmail)).toBe(
    `${adminEmail} is now an admin (a new account: they sign in with a code sent to it).`,
  );
  const admin = await signInAsAdmin(browser, adminEmail);

  // The dashboard: the delivered order's revenue, and the charts' numbers in tables.
  await admin.getByRole("link", { name: "Admin" }).click();
  await expect(admin.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await admin.getByRole("link", { name: "30 days" }).click();
  await expect(admin).toHaveURL(/period=30/);
  await expect(admin.locator("svg").first()).toBeVisible();
  await expect(admin.getByRole("table", { name: /Orders paid in the last 30 days/ })).toContainText("Delivered");
  await shot(admin, "admin-dashboard.png");

  // A partial refund of the delivered order, typed and confirmed, through the refund job.
  await admin.goto(`/admin/documents/${deliveredId}`);
  await expect(admin.getByRole("heading", { name: "Cooperative housing in Vienna since 1920" })).toBeVisible();
  const refund = admin.locator("form", { has: admin.getByRole("heading", { name: /^Refund/ }) }).first();
  await refund.getByLabel("Amount to refund (euros)").fill("5.00");
  await refund.getByLabel("Reason (kept in the audit log)").fill("Two sections shorter than promised");
  await refund.getByLabel("Type REFUND to confirm").fill("REFUND");
  await refund.getByRole("button", { name: "Refund" }).click();
  await expect(refund.getByRole("status").or(refund.locator("[role=alert]"))).toContainText(/€5\.00/);
  await expect
    .poll(
      async () => {
        await admin.reload();
        return admin.getByRole("region", { name: "Payments and refunds" }).innerText();
      },
      { timeout: 60_000, message: "the partial refund to be made" },
    )
    .toMatch(/5\.00[\s\S]*succeeded/i);

  // The failed order: found by its topic, its page tells the story.
  await expect
    .poll(
      async () => {
        await admin.goto(`/admin/documents?q=${encodeURIComponent("Tidal energy")}`);
        return admin.getByRole("table").first().innerText();
      },
      { timeout: 240_000, intervals: [2_000], message: "the failing order to fail and be refunded" },
    )
    .toMatch(/Refunded/i);
  await admin.getByRole("link", { name: "Tidal energy in the Bay of Fundy" }).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/documents/${failingId}$`));
  const timeline = admin.getByRole("region", { name: "Timeline" });
  await expect(timeline).toContainText(/failed/i);
  await expect(timeline).toContainText(/refund/i);
  await shot(admin, "admin-order.png");

  // Its dead letter is listed with the writer's error; retrying it is refused, and the page says why.
  await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Jobs" }).click();
  const planLetter = admin.locator("tr", { hasText: "document.plan" }).filter({ hasText: "Tidal energy" }).first();
  await expect(planLetter).toContainText("Every writer in the chain failed: openai:gpt-4o-mini: HTTP 401");
  await expect(planLetter.getByRole("button", { name: /^Retry the document\.plan dead letter/ })).toBeDisabled();

  // An email that died is retried: it is sent again.
  const customerOfMail = uniqueEmail("admin-walk-receipt");
  await killEmailJob(customerOfMail);
  await expect
    .poll(
      async () => {
        await admin.reload();
        return admin.locator("tr", { hasText: customerOfMail }).count();
      },
      { message: "the worker to record the email's dead letter" },
    )
    .toBe(1);
  await admin
    .locator("tr", { hasText: customerOfMail })
    .getByRole("button", { name: /^Retry the email\.send dead letter/ })
    .click();
  await expect(admin.getByText(/1 dead letter retried/)).toBeVisible();
  expect((await latestMail(dataDir, customerOfMail)).subject).toBe("Your receipt");

  // The audit log has a row for each act.
  await admin.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
  await expect(admin.getByRole("table").first()).toContainText("refund.issued");
  await expect(admin.getByRole("table").first()).toContainText("job.retried");
});
