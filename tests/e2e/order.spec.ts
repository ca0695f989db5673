import { expect, test } from "@playwright/test";
import { acceptEssentialConsent, dataDirOf, latestMail, magicLinkOf, requestCode, uniqueEmail } from "./helpers";

test("a newcomer signs up by magic link, orders, pays in dev mode, watches it being written live and reads it", async ({
  page,
}, testInfo) => {
  // The Content-Security-Policy must not block anything the app itself does.
  const violations: string[] = [];
  page.on("console", (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
  });
  await page.goto("/");
  await page.getByRole("link", { name: "Sign in to order" }).click();

  const email = uniqueEmail("newcomer");
  await requestCode(page, email);
  const mail = await latestMail(dataDirOf(testInfo), email);
  expect(mail.subject).toMatch(/^Your TesiGo sign-in code: [A-Z0-9]{6}$/);
  await page.goto(magicLinkOf(mail));

  // First sign-in: the essential consent is required, with a clear message beside it.
  await expect(page).toHaveURL(/\/welcome/);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("TesiGo cannot work without the essential terms")).toBeVisible();
  await page.getByLabel(/Your name/).fill("Ada Newcomer");
  await page.getByLabel(/Marketing \(optional\)/).check();
  await acceptEssentialConsent(page);
  await expect(page.getByText("No documents yet")).toBeVisible();

  // The order wizard explains what is wrong, next to the field, and keeps answers across steps and reloads.
  await page.getByRole("link", { name: "Order your first document" }).click();
  await page.getByLabel("Topic").fill("Too short");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Describe the topic in at least 10 characters.")).toBeVisible();
  await expect(page).toHaveURL(/\/orders\/new$/);
  await page.getByLabel("Topic").fill("The social history of public libraries in Europe");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Length, language and style" })).toBeVisible();
  await page.getByLabel("Pages").fill("3");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByText("Orders start at 5 pages.")).toBeVisible();
  await page.getByLabel("Pages").fill("5");
  await expect(page.getByTestId("price")).toHaveText("€25.00");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Requirements", exact: true })).toBeVisible();
  await page.reload();
  await page.getByRole("link", { name: "2. Details" }).click();
  await expect(page.getByLabel("Pages")).toHaveValue("5");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByText("The social history of public libraries in Europe")).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText("Total €25.00");

  // Watch the live page from before the payment lands, without reloading it.
  await page.getByRole("button", { name: "Pay €25.00 (dev payment)" }).click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
  await page.evaluate(() => {
    const w = window as unknown as { __seen: string[]; __live: boolean; __samePage: boolean };
    w.__seen = [];
    w.__live = false;
    w.__samePage = true;
    const record = () => {
      const percent = document.querySelector("[data-testid=progress-percent]")?.textContent;
      if (percent && w.__seen.at(-1) !== percent) w.__seen.push(percent);
      if (document.body.textContent?.includes("· live")) w.__live = true;
    };
    record();
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
  });

  const text = page.getByTestId("document-text");
  await expect(text).toBeVisible({ timeout: 90_000 });
  await expect(text.getByRole("heading", { name: "Introduction" })).toBeVisible();
  await expect(text.getByRole("heading", { name: "Conclusion" })).toBeVisible();
  await expect(text.getByRole("heading", { name: /Fake chapter 1 on The social history/ })).toBeVisible();
  await expect(page.getByText("Completed", { exact: true })).toBeVisible();
  await expect(page.getByTestId("progress-percent")).toHaveText("100%");
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100");
  await expect(page.getByText("Offline demo")).toHaveCount(0);

  const seen = await page.evaluate(() => {
    const w = window as unknown as { __seen: string[]; __live: boolean; __samePage: boolean };
    return { __seen: w.__seen, __live: w.__live, __samePage: w.__samePage };
  });
  expect(seen.__samePage).toBe(true); // no reload: the updates came over the socket
  expect(seen.__live).toBe(true);
  const percents = seen.__seen.map((p) => Number.parseInt(p, 10));
  expect(percents.at(-1)).toBe(100);
  expect(percents.some((p) => p > 0 && p < 100)).toBe(true);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));

  expect(violations).toEqual([]);

  // Real (here: stand-in) sources, cited in the order's style, and the files to download. The references are the
  // outline's last entry: its link opens the part of the text that holds them.
  await page.getByTestId("document-outline").getByRole("link", { name: "References" }).click();
  await expect(text.getByRole("heading", { name: "References" })).toBeVisible();
  await expect(text.getByText(/https:\/\/doi\.org\/10\./).first()).toBeVisible();
  await expect(page.getByTestId("score-uniqueness")).toHaveText(/^\d+(\.\d)?%$/);
  await expect(page.getByTestId("score-ai")).toHaveText("N/A"); // no detector key: never a made-up score
  const docx = await page.request.get(
    (await page.getByRole("link", { name: "Download DOCX" }).getAttribute("href")) as string,
  );
  expect(docx.status()).toBe(200);
  expect(docx.headers()["content-type"]).toBe(
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  );
  expect(docx.headers()["content-disposition"]).toContain("The-social-history-of-public-libraries-in-Europe.docx");
  expect((await docx.body()).subarray(0, 2).toString()).toBe("PK");
  const pdf = await page.request.get(
    (await page.getByRole("link", { name: "Download PDF" }).getAttribute("href")) as string,
  );
  expect(pdf.headers()["content-type"]).toBe("application/pdf");
  expect((await pdf.body()).subarray(0, 5).toString()).toBe("%PDF-");
  const note = await page.request.get(`${new URL(page.url()).pathname}/quality-note`);
  expect(await note.text()).toMatch(/Uniqueness: [\d.]+ %[\s\S]*AI detection: N\/A/);

  // The list shows it too.
  await page.getByRole("link", { name: "← My documents" }).click();
  await expect(page.getByRole("heading", { name: "My documents" })).toBeVisible();
  await expect(page.getByRole("link", { name: /The social history of public libraries in Europe/ })).toContainText(
    "Completed",
  );
});
