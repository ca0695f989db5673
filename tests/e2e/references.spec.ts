import { readFile } from "node:fs/promises";
import { expect, test } from "@playwright/test";
import { signUp } from "./helpers";

// Issue 24, items 6 and 7: a customer gives their own sources in the order wizard (a BibTeX file with one broken
// entry), pays, and takes the delivered bibliography to their reference manager as BibTeX, RIS and CSL-JSON.
const LIBRARY = `@article{doientry, title = {Water in cities}, doi = {10.5555/urban-water-adaptation}}
@book{broken, title = {An entry whose brace is never closed, year = 2020

@book{archive, title = {Quaderni del consorzio idrico}, author = {Bianchi, Giulia}, year = {2022}}
`;

test("a customer uploads their own sources, sees the broken entry named, and downloads the delivered bibliography in three formats", async ({
  page,
}, testInfo) => {
  await signUp(page, testInfo, "references");
  await page.goto("/orders/new");
  await page.getByLabel("Topic").fill("Urban water management and climate adaptation");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Length, language and style" })).toBeVisible();
  await page.getByLabel("Pages").fill("5");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("heading", { name: "Requirements", exact: true })).toBeVisible();

  await page.getByRole("link", { name: "Add your own sources (BibTeX, RIS or CSL-JSON)" }).click();
  await expect(page.getByRole("heading", { name: "Your own sources" })).toBeVisible();
  await page
    .getByLabel("Reference file")
    .setInputFiles({ name: "library.bib", mimeType: "application/x-bibtex", buffer: Buffer.from(LIBRARY) });
  await page.getByRole("button", { name: "Upload" }).click();
  await expect(page.getByRole("status")).toContainText("2 entries kept");
  await expect(page.getByTestId("rejected-references")).toContainText("Entry 2 (broken): it could not be read");
  await expect(page.getByTestId("customer-references")).toContainText("Quaderni del consorzio idrico");

  await page.getByRole("link", { name: "Back to the requirements" }).click();
  await page.getByRole("button", { name: "Continue to review" }).click();
  await expect(page.getByRole("heading", { name: "Review and pay" })).toBeVisible();
  await page.getByRole("button", { name: /dev payment/ }).click();
  await expect(page).toHaveURL(/\/documents\/[0-9a-f-]{36}$/);
  await expect(page.getByRole("link", { name: "Download the bibliography as BibTeX" })).toBeVisible({
    timeout: 90_000,
  });

  const texts: Record<string, string> = {};
  for (const format of ["BibTeX", "RIS", "CSL-JSON"]) {
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: `Download the bibliography as ${format}` }).click(),
    ]);
    texts[format] = await readFile((await download.path())!, "utf8");
  }
  // The customer's entry no index knows is cited as they gave it, in every format.
  expect(texts.BibTeX).toMatch(/title = \{Quaderni del consorzio idrico\}/);
  expect(texts.RIS).toContain("TI  - Quaderni del consorzio idrico");
  const items = JSON.parse(texts["CSL-JSON"]!) as { title: string; DOI?: string }[];
  expect(items.map((item) => item.title)).toContain("Quaderni del consorzio idrico");
  expect(items.map((item) => item.DOI)).toContain("10.5555/urban-water-adaptation");
});
