import { promises as fs } from "node:fs";
import path from "node:path";
import { expect, type Page, type TestInfo } from "@playwright/test";
import { E2E } from "./servers";

type Mail = { to: string; subject: string; text: string; createdAt: string };

export function dataDirOf(testInfo: TestInfo): string {
  const name = testInfo.project.name;
  return name === "offline" || name === "admin" ? E2E.apps[name].dataDir : E2E.apps.openai.dataDir;
}

export function uniqueEmail(label: string): string {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** The newest email to `to` in the app's mail folder (where mail goes without SMTP_URL). */
export async function latestMail(dataDir: string, to: string): Promise<Mail> {
  const dir = path.join(dataDir, "mail");
  let found: Mail | undefined;
  await expect
    .poll(
      async () => {
        const files = await fs.readdir(dir).catch(() => [] as string[]);
        const mails = await Promise.all(
          files.map(async (f) => JSON.parse(await fs.readFile(path.join(dir, f), "utf8")) as Mail),
        );
        found = mails.filter((m) => m.to === to).sort((a, b) => b.createdAt.localeCompare(a.createdAt))[0];
        return Boolean(found);
      },
      { message: `an email to ${to}`, timeout: 15_000 },
    )
    .toBe(true);
  return found!;
}

export function magicLinkOf(mail: Mail): string {
  return /(http\S+\/magic-link\S+)/.exec(mail.text)![1];
}

export function codeOf(mail: Mail): string {
  return /sign-in code is ([A-Z0-9]{6})/.exec(mail.text)![1];
}

export async function requestCode(page: Page, email: string) {
  await page.goto("/login");
  await page.getByLabel("Email address").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in code" }).click();
  await expect(page.getByText(`We sent a code and a sign-in link to ${email}`)).toBeVisible();
}

export async function acceptEssentialConsent(page: Page) {
  await expect(page).toHaveURL(/\/welcome/);
  await page.getByLabel(/Essential \(required\)/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "My documents" })).toBeVisible();
}

/** A new account through the magic link, consent given: lands on "My documents". */
export async function signUp(page: Page, testInfo: TestInfo, label: string): Promise<string> {
  const email = uniqueEmail(label);
  await requestCode(page, email);
  await page.goto(magicLinkOf(await latestMail(dataDirOf(testInfo), email)));
  await acceptEssentialConsent(page);
  return email;
}

/** Goes through the order wizard up to the review page; returns the order's id. */
export async function fillOrderWizard(
  page: Page,
  order: {
    topic: string;
    pages?: number;
    language?: string;
    /** a kind code, e.g. "term_paper" */ kind?: string;
    style?: string;
    express?: boolean;
    instructions?: string;
  },
): Promise<string> {
  await page.goto("/orders/new");
  if (order.kind) await page.getByLabel("Kind of document").selectOption(order.kind);
  await page.getByLabel("Topic").fill(order.topic);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Length, language and style" })).toBeVisible();
  const id = /\/orders\/([0-9a-f-]{36})\//.exec(page.url())![1];
  await page.getByLabel("Pages").fill(String(order.pages ?? 5));
  await page.getByLabel("Language", { exact: true }).selectOption({ label: order.language ?? "English" });
  if (order.style) await page.getByLabel("Citation style").selectOption({ label: order.style });
  if (order.express) await page.getByLabel(/Express delivery/).check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Requirements", exact: true })).toBeVisible();
  if (order.instructions) await page.getByLabel("Instructions (optional)").fill(order.instructions);
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByRole("heading", { name: "Review and pay" })).toBeVisible();
  return id;
}

/** Orders a document and pays in dev mode; returns the document page's path. */
export async function orderAndPay(page: Page, topic: string, pages = 5, language = "English"): Promise<string> {
  await fillOrderWizard(page, { topic, pages, language });
  await page.getByRole("button", { name: /dev payment/ }).click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
  return new URL(page.url()).pathname;
}

/**
 * Switches the interface language with the header's switcher as a keyboard user does (choose, then its button), which
 * works whether or not the page's scripts have started; waits for the page in that language.
 */
export async function switchLanguage(page: Page, locale: string) {
  await page.locator("#language-switcher").selectOption(locale);
  await page.locator('form[action="/language"] button[type="submit"]').focus();
  await page.keyboard.press("Enter");
  await expect(page.locator("html")).toHaveAttribute("lang", locale);
}
