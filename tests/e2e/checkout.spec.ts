import { promises as fs } from "node:fs";
import { expect, test } from "@playwright/test";
import { docxFile, DOCX_SENTENCE, exeFile } from "../fixtures/files";
import { signUp } from "./helpers";

test("the wizard with a requirements file, Stripe Checkout, the webhook, and generation starting", async ({
  page,
}, testInfo) => {
  await signUp(page, testInfo, "checkout");
  await page.goto("/orders/new");
  await page.getByLabel("Kind of document").selectOption("term_paper");
  await page.getByLabel("Topic").fill("Municipal broadband and the digital divide");
  await page.getByLabel("Discipline (optional)").fill("Public policy");
  await page.getByRole("button", { name: "Continue" }).click();
  await page.getByLabel("Pages").fill("6");
  await page.getByLabel("Language", { exact: true }).selectOption({ label: "German" });
  await page.getByLabel("Citation style").selectOption({ label: "IEEE" });
  await page.getByLabel(/Express delivery/).check();
  await expect(page.getByTestId("price")).toHaveText("€54.00"); // 6 × €6.00 + 50 %
  await page.getByRole("button", { name: "Continue" }).click();

  // A program is refused with a reason, and nothing is kept.
  await page
    .getByLabel("Upload a file")
    .setInputFiles({ name: "setup.exe", mimeType: "application/octet-stream", buffer: exeFile() });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByText("setup.exe looks like a program, not a document, so it was refused.")).toBeVisible();

  // A real DOCX: its text is shown back to confirm.
  await page.getByLabel("Upload a file").setInputFiles({
    name: "assignment.docx",
    mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    buffer: await docxFile(),
  });
  await page.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.getByTestId("extracted-text")).toContainText(DOCX_SENTENCE);
  await page.getByLabel("Instructions (optional)").fill("Focus on rural areas.");
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByText("Confirm that the text read from your file is right")).toBeVisible();
  await page.getByRole("button", { name: "Use this text" }).click();
  await expect(page.getByText("· text confirmed")).toBeVisible();
  await page.getByRole("button", { name: "Continue to review" }).click();

  await expect(page.getByRole("heading", { name: "Review and pay" })).toBeVisible();
  await expect(page.getByTestId("total")).toHaveText("Total €54.00");
  await expect(page.getByText("file attached, instructions given")).toBeVisible();
  await expect(page.getByText(/Estimated writing time: .+ after payment\./)).toBeVisible();

  // Off to (the local stand-in for) Stripe Checkout, and back.
  await page.getByRole("button", { name: "Pay €54.00 by card" }).click();
  await expect(page.getByText("Fake Stripe Checkout")).toBeVisible();
  await expect(page.getByText("54.00").first()).toBeVisible();
  await page.getByRole("button", { name: "Pay", exact: true }).click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}\?checkout=success$/);
  // The webhook marked it paid and queued its generation; the page follows it live to the end.
  await expect(page.getByTestId("document-text")).toBeVisible({ timeout: 90_000 });
  await expect(page.getByText("Completed", { exact: true })).toBeVisible();
});

test("the account: data export downloads JSON; deleting the account signs out and ends the old session", async ({
  page,
  browser,
}, testInfo) => {
  const email = await signUp(page, testInfo, "account");
  await page.getByRole("link", { name: "Account" }).click();
  // The account page's own copy of the address (the header shows it too, on every page).
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.getByRole("main").getByText(email)).toBeVisible();

  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download my data (JSON)" }).click();
  const download = await downloadPromise;
  expect(download.suggestedFilename()).toMatch(/^tesigo-export-\d{4}-\d{2}-\d{2}\.json$/);
  const exported = JSON.parse(await fs.readFile((await download.path())!, "utf8"));
  expect(exported.user.email).toBe(email);
  expect(exported.consents.map((c: { kind: string }) => c.kind).sort()).toEqual([
    "analytics",
    "essential",
    "marketing",
  ]);

  // Keep the old session cookie to try it afterwards.
  const cookies = await page.context().cookies();
  await page.getByRole("link", { name: "Delete my account" }).click();
  await page.getByLabel(/To confirm, type your email address/).fill("someone-else@example.com");
  await page.getByRole("button", { name: /Delete my account/ }).click();
  await expect(page.getByText("Type your email address exactly as shown to confirm.")).toBeVisible();
  await page.getByLabel(/To confirm, type your email address/).fill(email.toUpperCase());
  await page.getByRole("button", { name: /Delete my account/ }).click();
  await expect(page.getByText("Your account has been deleted and you are signed out.")).toBeVisible();
  await expect(page.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();

  const replay = await browser.newContext();
  await replay.addCookies(cookies);
  const old = await replay.newPage();
  await old.goto("/account");
  await expect(old).toHaveURL(/\/login/);
  await replay.close();
});
