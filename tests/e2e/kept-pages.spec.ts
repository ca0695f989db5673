import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./helpers";

// Issue 20: a page served from the kept pages allows its inline scripts by their hashes instead of a nonce, and a
// reload revalidates with its ETag (304, no CSP header). In a real browser both must still hydrate (no script refused
// by the CSP) and navigate on the client.

/** Console errors of the page, CSP refusals included ("Refused to execute inline script…"). */
function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") errors.push(message.text());
  });
  page.on("pageerror", (error) => errors.push(error.message));
  return errors;
}

/** Hydrated: Remix's client router is running. */
const hydrated = (page: Page) =>
  page.waitForFunction(() => Boolean((window as unknown as { __remixRouter?: unknown }).__remixRouter));

/** A client-side navigation keeps the window's state; a full page load would lose the mark. */
async function navigatesOnTheClient(page: Page) {
  await page.evaluate(() => ((window as unknown as { keptMark: number }).keptMark = 1));
  await page.getByRole("link", { name: "New order" }).first().click();
  await expect(page).toHaveURL(/\/orders\/new/);
  expect(await page.evaluate(() => (window as unknown as { keptMark?: number }).keptMark)).toBe(1);
}

test("a kept documents list hydrates under its hash-based CSP; a reload revalidates (304) and hydrates too", async ({
  page,
  browser,
}, testInfo) => {
  const errors = consoleErrors(page);
  await signUp(page, testInfo, "kept");
  const first = await page.goto("/documents"); // rendered with a nonce, and kept before it is sent
  expect((await first!.allHeaders()).etag).toMatch(/^"/);

  // The same account in a browser without that copy (another device): it gets the kept page.
  const other = await browser.newContext({ storageState: await page.context().storageState() });
  const otherPage = await other.newPage();
  const otherErrors = consoleErrors(otherPage);
  const kept = await otherPage.goto("/documents");
  expect(kept!.status()).toBe(200);
  const csp = (await kept!.allHeaders())["content-security-policy"] ?? "";
  expect(csp).toContain("'sha256-");
  expect(csp).not.toContain("'nonce-");
  await hydrated(otherPage);
  await navigatesOnTheClient(otherPage);
  expect(otherErrors).toEqual([]);
  await other.close();

  // A reload here revalidates the browser's copy with its ETag (the server answers 304), and the copy, with its own
  // nonce, hydrates.
  const reloaded = await page.reload();
  expect((await reloaded!.request().allHeaders())["if-none-match"]).toBe((await first!.allHeaders()).etag);
  await hydrated(page);
  await navigatesOnTheClient(page);
  expect(errors).toEqual([]);
});
