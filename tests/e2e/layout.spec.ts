import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { LOCALES, type Locale } from "../../app/i18n/locales";
import {
  acceptEssentialConsent,
  codeOf,
  dataDirOf,
  latestMail,
  requestCode,
  signUp,
  switchLanguage,
  uniqueEmail,
} from "./helpers";
import { expectLayoutHolds } from "./layout";

// Issue 19, item 6: in every interface language, the order wizard and a written document's page keep their layout
// on a phone and on a desktop, with the longest words each language has and Cyrillic titles.

/** SCREENSHOTS=1 npm run test:e2e -- --project offline refreshes docs/screenshots/languages/. */
const screenshotsTo = process.env.SCREENSHOTS === "1" ? path.resolve("docs/screenshots/languages") : null;

const LONG_TOPICS: Record<Locale, string> = {
  en: "Pneumonoultramicroscopicsilicovolcanoconiosis and occupational health regulation in European mining",
  uk: "Цифровізація державного управління та кібербезпекова інфраструктура: порівняльний аналіз законодавчих ініціатив",
  it: "L'internazionalizzazione delle piccole e medie imprese e l'incostituzionalità delle agevolazioni fiscali",
  ru: "Импортозамещение программного обеспечения и высокопроизводительные вычислительные комплексы государства",
  de: "Grundstücksverkehrsgenehmigungszuständigkeitsübertragungsverordnung und Rechtsschutzversicherungsgesellschaften",
  fr: "L'anticonstitutionnalité des dispositifs d'intelligence artificielle dans l'administration publique française",
  es: "La internacionalización de las pequeñas empresas y los electroencefalografistas en la sanidad pública",
  pl: "Konstantynopolitańczykowianeczka i fotowoltaika: mikroinstalacje w gospodarstwach domowych Małopolski",
};

const VIEWPORTS = [
  { name: "phone", width: 390, height: 844 },
  { name: "desktop", width: 1280, height: 900 },
] as const;

async function checkEveryWidth(page: Page, locale: Locale, view: string) {
  for (const viewport of VIEWPORTS) {
    await page.setViewportSize(viewport);
    await expectLayoutHolds(page, `${view} in ${locale} on a ${viewport.name}`);
    const shot = await page.screenshot({ fullPage: true });
    await test.info().attach(`${locale}-${view}-${viewport.name}.png`, { body: shot, contentType: "image/png" });
    if (screenshotsTo) {
      await page.screenshot({
        fullPage: true,
        path: path.join(screenshotsTo, `${locale}-${view}-${viewport.name}.png`),
      });
    }
  }
  await page.setViewportSize(VIEWPORTS[1]);
}

/** A form of the page's main area by a field it holds, and its submit button (no words: any language). */
const submitOf = (page: Page, field: string) => page.locator(`main form:has(${field}) button[type="submit"]`).first();

for (const locale of LOCALES) {
  test(`the wizard and the document page hold their layout in ${locale}`, async ({ page }, testInfo) => {
    await signUp(page, testInfo, `layout-${locale}`);
    await switchLanguage(page, locale);

    await page.goto("/orders/new");
    await page.locator('[name="topic"]').fill(LONG_TOPICS[locale]);
    await checkEveryWidth(page, locale, "wizard-topic");
    await submitOf(page, '[name="topic"]').click();
    await expect(page.locator('[name="pages"]')).toBeVisible();
    await page.locator('[name="pages"]').fill("5");
    await page.locator('select[name="language"]').selectOption(locale);
    await checkEveryWidth(page, locale, "wizard-details");
    await submitOf(page, '[name="pages"]').click();
    await expect(page.locator('input[name="intent"][value="continue"]')).toBeAttached();
    await submitOf(page, 'input[name="intent"][value="continue"]').click();
    await expect(page.locator('input[name="intent"][value="dev"]')).toBeAttached();
    await checkEveryWidth(page, locale, "wizard-review");

    await submitOf(page, 'input[name="intent"][value="dev"]').click();
    await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId("document-text")).toBeVisible({ timeout: 90_000 });
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await checkEveryWidth(page, locale, "document");
  });
}

test("without JavaScript, a visitor signs in and switches the language with plain forms", async ({
  browser,
}, testInfo) => {
  const context = await browser.newContext({ javaScriptEnabled: false, baseURL: testInfo.project.use.baseURL });
  const page = await context.newPage();
  const email = uniqueEmail("no-script");
  await requestCode(page, email);
  await page.getByLabel("Code from the email").fill(codeOf(await latestMail(dataDirOf(testInfo), email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(page);
  // The switcher's button (shown to keyboard users when focused) submits the form without a script.
  await switchLanguage(page, "it");
  await context.close();
});
