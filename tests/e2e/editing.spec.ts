import mammoth from "mammoth";
import { type BrowserContext, expect, type Page, test, type TestInfo } from "@playwright/test";
import {
  acceptEssentialConsent,
  codeOf,
  dataDirOf,
  latestMail,
  orderAndPay,
  requestCode,
  uniqueEmail,
} from "./helpers";

// Issue 21, item 1, in the real browser: the customer edits a delivered document; autosave keeps the text through a
// reload, a lost connection and a failing server, and a second tab saving the same section gets a clear conflict.

test.describe.configure({ mode: "serial" });

// One customer and one delivered document for the whole file (the offline writer takes a few seconds to deliver).
let context: BrowserContext;
let page: Page;
let editPath = "";

test.beforeAll(async ({ browser }, testInfo) => {
  context = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  page = await context.newPage();
  editPath = await deliveredDocument(page, testInfo);
});
test.afterAll(() => context?.close());

/** Signs in a new customer and has the offline writer deliver a short document; returns its edit page's path. */
async function deliveredDocument(page: Page, testInfo: TestInfo): Promise<string> {
  const email = uniqueEmail("editing");
  await requestCode(page, email);
  await page.getByLabel("Code from the email").fill(codeOf(await latestMail(dataDirOf(testInfo), email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(page);
  const documentPath = await orderAndPay(page, "Public libraries and their readers in modern Europe", 5);
  await expect(page.getByTestId("document-text")).toBeVisible({ timeout: 60_000 });
  await page.getByRole("link", { name: "Edit the text" }).click();
  await expect(page.getByRole("heading", { name: "Edit your document" })).toBeVisible();
  return `${documentPath}/edit`;
}

/** Loads (or reloads) the editor and waits for its scripts: React resets what was typed into a box before them. */
async function openEditor(page: Page, reload = false) {
  await (reload ? page.reload() : page.goto(editPath));
  await expect(page.locator("article[data-editor-started=true]")).toBeVisible();
}

const sectionText = (page: Page, n: number) => page.getByLabel(new RegExp(`^Text of section ${n}: `));
const sectionState = (page: Page, n: number) => page.getByTestId("section-state").nth(n - 1);

test("an edited section is saved on its own and is there after a reload", async () => {
  // The editor hydrates and saves under the Content-Security-Policy with nothing in the console.
  const problems: string[] = [];
  page.on("console", (message) => void (message.type() === "error" && problems.push(message.text())));
  page.on("pageerror", (error) => problems.push(error.message));
  await openEditor(page);
  const edited = "A paragraph the customer rewrote in their own words.\n\nAnd a second one, separated by a blank line.";
  await sectionText(page, 1).fill(edited);
  await expect(sectionState(page, 1)).toHaveText(/^Saved at /);
  await expect(page.getByTestId("page-state")).toHaveText("All changes saved");
  await openEditor(page, true);
  await expect(sectionText(page, 1)).toHaveValue(edited);
  expect(problems).toEqual([]);
  page.removeAllListeners("console");
  page.removeAllListeners("pageerror");
});

test("the DOCX downloaded after the edit contains it (read back with mammoth), and the document's text shows it", async () => {
  const documentPath = editPath.replace(/\/edit$/, "");
  await page.goto(documentPath);
  const downloading = page.waitForEvent("download");
  await page.locator(`a[href="${documentPath}/download/docx"]`).click();
  const file = await (await downloading).path();
  const { value } = await mammoth.extractRawText({ path: file });
  expect(value).toContain("A paragraph the customer rewrote in their own words.");
  // The rebuilt text (citations and references rendered) follows on the document's page.
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId("document-text")).toContainText("A paragraph the customer rewrote", {
      timeout: 1000,
    });
  }).toPass({ timeout: 60_000 });
});

test("offline, the edit waits ('Offline — will retry') and is saved when the connection returns", async () => {
  await openEditor(page);
  const before = await sectionText(page, 2).inputValue();
  await context.setOffline(true);
  await sectionText(page, 2).fill(`${before}\n\nWritten on a train without a connection.`);
  await expect(sectionState(page, 2)).toHaveText("Offline — will retry");
  await expect(page.getByTestId("page-state")).toHaveText(/^Offline/);
  await context.setOffline(false);
  await expect(sectionState(page, 2)).toHaveText(/^Saved at /);
  await openEditor(page, true);
  await expect(sectionText(page, 2)).toHaveValue(`${before}\n\nWritten on a train without a connection.`);
});

test("text the server could not take yet survives a reload and is saved once the server answers", async () => {
  await openEditor(page);
  const saves = "**/sections/2";
  await page.route(saves, (route) => route.abort("connectionreset"));
  const before = await sectionText(page, 3).inputValue();
  const edited = `${before}\n\nA sentence typed while the server was failing.`;
  await sectionText(page, 3).fill(edited);
  await expect(sectionState(page, 3)).toHaveText("Could not save — will retry");
  await openEditor(page, true);
  // Restored from this browser's storage, not from the server, which still has the old text.
  await expect(sectionText(page, 3)).toHaveValue(edited);
  await expect(sectionState(page, 3)).toHaveText("Could not save — will retry");
  await page.unroute(saves);
  await expect(sectionState(page, 3)).toHaveText(/^Saved at /);
  await openEditor(page, true);
  await expect(sectionText(page, 3)).toHaveValue(edited);
});

test("two tabs edit the same section: the later save gets the conflict message and chooses which text stays", async () => {
  await openEditor(page);
  const other = await context.newPage();
  await openEditor(other);
  await expect(sectionText(other, 1)).toBeVisible();

  await sectionText(page, 1).fill("The first tab's version of this section.");
  await expect(sectionState(page, 1)).toHaveText(/^Saved at /);
  await sectionText(other, 1).fill("The second tab's version of this section.");
  const conflict = other.getByRole("alert").filter({ hasText: "Another tab or device saved this section" });
  await expect(conflict).toBeVisible();
  await expect(sectionState(other, 1)).toHaveText("Conflict");
  await expect(other.getByTestId("page-state")).toHaveText(/changed elsewhere/);

  // Loading the saved text shows the first tab's words; keeping one's own replaces them, deliberately.
  await conflict.getByText("The text saved there").click();
  await expect(conflict.getByText("The first tab's version of this section.")).toBeVisible();
  await conflict.getByRole("button", { name: "Keep my text (replace the saved one)" }).click();
  await expect(sectionState(other, 1)).toHaveText(/^Saved at /);
  await openEditor(page, true);
  await expect(sectionText(page, 1)).toHaveValue("The second tab's version of this section.");

  // Again, and this time the second tab drops its words for the text the first tab saved.
  await sectionText(page, 1).fill("The first tab saves once more.");
  await expect(sectionState(page, 1)).toHaveText(/^Saved at /);
  await sectionText(other, 1).fill("The second tab, behind again.");
  await expect(conflict).toBeVisible();
  await conflict.getByRole("button", { name: "Load the saved text (drop mine)" }).click();
  await expect(sectionText(other, 1)).toHaveValue("The first tab saves once more.");
  await expect(conflict).toBeHidden();
  await expect(sectionState(other, 1)).toHaveText("No changes");
});
