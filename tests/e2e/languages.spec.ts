import { readFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import type { Locale } from "../../app/i18n/locales";
import { dataDirOf, latestMail, magicLinkOf, switchLanguage, uniqueEmail } from "./helpers";

// Issue 19, done when: the site can be used end to end in Ukrainian and in Italian — sign in, order, pay, read — and
// no page on the way shows English.

/** The words the page uses for an order's state, in a language (Playwright loads specs as plain ES modules). */
const texts = (locale: "uk" | "it", namespace: string) =>
  JSON.parse(readFileSync(`app/locales/${locale}/${namespace}.json`, "utf8"));
const completedIn = (locale: "uk" | "it"): string => texts(locale, "catalog").statuses.completed;
const TOPICS = {
  uk: "Цифровізація місцевого самоврядування в громадах України",
  it: "La digitalizzazione dei servizi pubblici nei comuni italiani",
} as const;

/** Words no other shipped language writes: one of them on the page is English left behind. */
const ENGLISH_ONLY_WORDS = /\b(the|your|you|and|with|this|that|from)\b/i;

/** The page's own words: without scripts, and without the document's text (its sources' titles are English). */
async function expectNoEnglish(page: Page, where: string) {
  const text = await page.evaluate(() => {
    const body = document.body.cloneNode(true) as HTMLElement;
    body.querySelectorAll('script, style, [data-testid="document-text"]').forEach((el) => el.remove());
    return (body.textContent ?? "").replace(/\s+/g, " ");
  });
  expect(ENGLISH_ONLY_WORDS.exec(text)?.[0] ?? null, `English on ${where}: ${text.slice(0, 400)}`).toBeNull();
}

/** The submit button of the main area's form that holds `field` (no words: any language). */
const submitOf = (page: Page, field: string) => page.locator(`main form:has(${field}) button[type="submit"]`).first();

for (const locale of ["uk", "it"] as const satisfies readonly Locale[]) {
  test(`a customer signs in, orders, pays and reads the document in ${locale}`, async ({ page }, testInfo) => {
    await page.goto("/");
    await switchLanguage(page, locale);
    await expect(page.getByRole("link", { name: texts(locale, "common").nav.signIn, exact: true })).toBeVisible();
    await expectNoEnglish(page, "the home page");

    // Sign in by the emailed link; the email is in the reader's language too.
    const email = uniqueEmail(`lang-${locale}`);
    await page.goto("/login");
    await expectNoEnglish(page, "the sign-in page");
    await page.locator('input[name="email"]').fill(email);
    await submitOf(page, 'input[name="email"]').click();
    await expect(page.locator('input[name="code"]')).toBeVisible();
    await expectNoEnglish(page, "the code page");
    const mail = await latestMail(dataDirOf(testInfo), email);
    expect(ENGLISH_ONLY_WORDS.exec(`${mail.subject} ${mail.text}`)?.[0] ?? null, "English in the email").toBeNull();
    await page.goto(magicLinkOf(mail));
    await expect(page).toHaveURL(/\/welcome/);
    await expectNoEnglish(page, "the consent page");
    await page.locator('input[name="essential"]').check();
    await submitOf(page, 'input[name="essential"]').click();
    await expect(page).toHaveURL(/\/documents$/);
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await expectNoEnglish(page, "my documents");

    // The order wizard.
    await page.goto("/orders/new");
    await expectNoEnglish(page, "the wizard's topic step");
    await page.locator('[name="topic"]').fill(TOPICS[locale]);
    await submitOf(page, '[name="topic"]').click();
    await expect(page.locator('[name="pages"]')).toBeVisible();
    await expectNoEnglish(page, "the wizard's details step");
    await page.locator('[name="pages"]').fill("5");
    await page.locator('select[name="language"]').selectOption(locale);
    await submitOf(page, '[name="pages"]').click();
    await expect(page.locator('input[name="intent"][value="continue"]')).toBeAttached();
    await expectNoEnglish(page, "the wizard's requirements step");
    await submitOf(page, 'input[name="intent"][value="continue"]').click();
    await expect(page.locator('input[name="intent"][value="card"]')).toBeAttached();
    await expectNoEnglish(page, "the review");

    // Pay at (the local stand-in for) Stripe Checkout, and come back to the document being written.
    await submitOf(page, 'input[name="intent"][value="card"]').click();
    await expect(page.getByText("Fake Stripe Checkout")).toBeVisible();
    await page.getByRole("button", { name: "Pay", exact: true }).click();
    await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}\?checkout=success$/);
    await expect(page.getByTestId("document-text")).toBeVisible({ timeout: 90_000 });
    await expect(page.getByText(completedIn(locale), { exact: true })).toBeVisible();
    await expect(page.locator("html")).toHaveAttribute("lang", locale);
    await expectNoEnglish(page, "the delivered document");
  });
}
