import { expect, test } from "@playwright/test";
import { orderAndPay, signUp } from "./helpers";

// Issue 21, item 3: a customer has one section of a delivered document written again with an instruction (the fake
// OpenAI writer), watches it become ready, keeps it, and the document shows the new text.
test("a customer regenerates a section with an instruction, watches it become ready, keeps it, and reads it", async ({
  page,
}, testInfo) => {
  await signUp(page, testInfo, "regenerate");
  const documentPath = await orderAndPay(page, "Public libraries in European cities", 5);
  await expect(page.getByTestId("document-text")).toBeVisible({ timeout: 90_000 });

  await page.getByRole("link", { name: "Regenerate a section" }).click();
  await expect(page).toHaveURL(/\/sections\/0\/regenerate$/);
  await page.getByText("Choose another section").click();
  await page.getByRole("link", { name: /^Section 2: / }).click();
  await expect(page).toHaveURL(/\/sections\/1\/regenerate$/);
  await expect(page.getByTestId("regeneration-quota")).toHaveText("3 of 3 free regenerations left");
  await page.getByLabel("Your instruction").fill("Make it more critical of the sources");
  await page.getByRole("button", { name: "Regenerate this section" }).click();

  // Live: queued or being written, then ready with the new text beside the current one.
  await expect(page.getByTestId("regeneration-status")).toHaveAttribute("data-status", /queued|writing|ready/);
  await expect(page.getByTestId("regeneration-status")).toHaveAttribute("data-status", "ready", { timeout: 60_000 });
  const current = (await page.getByTestId("current-text").innerText()).trim();
  const regenerated = (await page.getByTestId("new-text").innerText()).trim();
  expect(regenerated).not.toBe(current);
  await page.getByRole("button", { name: "Keep the new text" }).click();
  await expect(page.getByTestId("regeneration-status")).toHaveAttribute("data-status", "kept");
  await expect(page.getByTestId("regeneration-quota")).toHaveText("2 of 3 free regenerations left");

  // The document's text follows once it is rebuilt in the background (document.reassemble).
  // Its first words, up to any citation marker (the document renders those in the citation style).
  const words = regenerated.split(/\s+/);
  const opening = words.slice(0, Math.min(8, words.findIndex((w) => w.includes("[")) >>> 0)).join(" ");
  expect(opening.split(" ").length).toBeGreaterThan(3);
  await expect
    .poll(
      async () => {
        await page.goto(documentPath);
        return (await page.getByTestId("document-text").innerText()).replace(/\s+/g, " ");
      },
      { timeout: 60_000, message: "the document to show the kept text" },
    )
    .toContain(opening);
});
