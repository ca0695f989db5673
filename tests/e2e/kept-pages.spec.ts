import { expect, test, type Page } from "@playwright/test";
import { signUp } from "./helpers";

// Issue 20: a page served from the kept pages allows its inline scripts by their hashes instead of a nonce. In a real
// browser it must still hydrate (no script refused by the CSP), navigate on the client, and survive a revalidating
// reload (304).

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

test("a kept documents list hydrates under its hash-based CSP, navigates on the client and survives a reload", async ({
  page,
}, testInfo) => {
  const errors = consoleErrors(page);
  await signUp(page, testInfo, "kept");
  await page.goto("/documents"); // rendered, and kept before it is sent
  const kept = await page.goto("/documents");
  const csp = (await kept!.allHeaders())["content-security-policy"] ?? "";
  expect(csp).toContain("'sha256-");
  expect(csp).not.toContain("'nonce-");
  await hydrated(page);

  // A client-side navigation keeps this window's state: a full reload would lose the mark.
  await page.evaluate(() => ((window as unknown as { keptMark: number }).keptMark = 1));
  await page.getByRole("link", { name: "New order" }).first().click();
  await expect(page).toHaveURL(/\/orders\/new/);
  expect(await page.evaluate(() => (window as unknown as { keptMark?: number }).keptMark)).toBe(1);

  await page.goto("/documents");
  const statuses: number[] = [];
  page.on("response", (response) => {
    if (new URL(response.url()).pathname === "/documents") statuses.push(response.status());
  });
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "My documents" })).toBeVisible();
  expect(statuses.length).toBeGreaterThan(0);
  expect(errors).toEqual([]);
});
