import { expect, test } from "@playwright/test";
import {
  acceptEssentialConsent,
  codeOf,
  dataDirOf,
  latestMail,
  orderAndPay,
  requestCode,
  uniqueEmail,
} from "./helpers";

// What a newcomer sees after `npm start` with no keys: the offline writer, clearly labelled.
test("without provider keys the order is written by the offline writer, labelled as an offline demo", async ({
  page,
}, testInfo) => {
  // Nothing the pages ask for is missing (a browser asks for an icon on every page).
  const missing: string[] = [];
  page.on("response", (response) => {
    if (response.status() === 404) missing.push(response.url());
  });
  const email = uniqueEmail("offline");
  await requestCode(page, email);
  await page.getByLabel("Code from the email").fill(codeOf(await latestMail(dataDirOf(testInfo), email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(page);

  await orderAndPay(page, "Вплив цифрових технологій на освіту", 6, "Ukrainian");
  await expect(page.getByTestId("document-text")).toBeVisible({ timeout: 60_000 });
  await expect(page.getByText("Offline demo", { exact: true })).toBeVisible();
  await expect(page.getByText(/This text comes from TesiGo's built-in offline writer/)).toBeVisible();
  // 6 Ukrainian pages: 4 sections, then the references, which say plainly that there are none. The outline lists
  // them all; the references' entry opens the part that holds them.
  const outline = page.getByTestId("document-outline");
  await expect(outline.getByRole("link")).toHaveCount(5);
  await outline.getByRole("link").last().click();
  await expect(page.getByText(/не вдалося отримати жодного наукового джерела/)).toBeVisible();
  await expect(page.getByRole("link", { name: "Download PDF" })).toBeVisible();

  // In development the sign-in email is also readable at /dev/mail.
  await page.goto("/dev/mail");
  await page
    .getByRole("link", { name: /Your TesiGo sign-in code/ })
    .filter({ hasText: email })
    .click();
  await expect(page.getByText(`To ${email}`)).toBeVisible();
  expect(missing).toEqual([]);
  // The tab's icon: declared on every page (else browsers ask for /favicon.ico, which does not exist) and served.
  await expect(page.locator('link[rel="icon"]')).toHaveAttribute("href", "/favicon.svg");
  expect((await page.request.get("/favicon.svg")).headers()["content-type"]).toMatch(/^image\/svg\+xml/);
});

// Issue 20: a long document is read part by part (the page stays small); the parts are plain links a keyboard follows.
test("a longer document reads part by part: the next part's link shows the next section's heading", async ({
  page,
}, testInfo) => {
  const email = uniqueEmail("parts");
  await requestCode(page, email);
  await page.getByLabel("Code from the email").fill(codeOf(await latestMail(dataDirOf(testInfo), email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(page);

  await orderAndPay(page, "Rail freight and the energy transition in Europe", 20);
  const text = page.getByTestId("document-text");
  await expect(text).toBeVisible({ timeout: 90_000 });
  await expect(text.getByText(/^Part 1 of \d+$/)).toBeVisible();
  const outline = page.getByTestId("document-outline");
  const firstOfPart2 = await outline.locator('a[href*="?part=2#"]').first().innerText();
  expect(await text.getByRole("heading", { level: 3 }).allInnerTexts()).not.toContain(firstOfPart2);

  const next = page.getByRole("link", { name: /^Next: Part 2 of \d+ →$/ });
  await next.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\?part=2#document-text$/);
  await expect(text.getByRole("heading", { level: 3 }).first()).toHaveText(firstOfPart2);
  await expect(outline.locator('[aria-current="location"]').first()).toHaveText(firstOfPart2);
  await expect(page.getByRole("link", { name: /^← Previous: Part 1 of \d+$/ })).toBeVisible();
});
