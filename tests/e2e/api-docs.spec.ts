import { expect, test } from "@playwright/test";
import { expectLayoutHolds } from "./layout";

// Issue 22, item 4: the API reference is a page of ours, readable on a phone and a desktop, rendered under our
// Content-Security-Policy with nothing in the console and no request to another site.

test.use({ locale: "de-DE" });

test("the API reference shows every endpoint with its example, in the reader's language, and holds its layout", async ({
  page,
}) => {
  const problems: string[] = [];
  const elsewhere: string[] = [];
  page.on("console", (message) => void (message.type() === "error" && problems.push(message.text())));
  page.on("pageerror", (error) => problems.push(error.message));
  page.on(
    "response",
    (response) => void (response.status() >= 400 && problems.push(`${response.status()} ${response.url()}`)),
  );
  page.on("request", (request) => {
    const url = new URL(request.url());
    if (url.hostname !== "localhost" && url.hostname !== "127.0.0.1") elsewhere.push(request.url());
  });
  await page.goto("/api/docs");
  await expect(page.getByRole("heading", { level: 1, name: "API-Referenz" })).toBeVisible();
  await expect(page.getByRole("heading", { level: 2, name: "Authentifizierung" })).toBeVisible();
  for (const operation of ["POST/quotes", "POST/orders", "GET/orders/{id}", "POST/orders/{id}/requirements"])
    await expect(page.getByRole("heading", { level: 3, name: operation, exact: true })).toBeVisible();
  await expect(page.locator("pre", { hasText: "curl -X POST" }).first()).toBeVisible();
  await expect(page.getByRole("link", { name: "/api/v1/openapi.json" })).toHaveAttribute(
    "href",
    "/api/v1/openapi.json",
  );
  for (const viewport of [
    { width: 390, height: 844 },
    { width: 1280, height: 900 },
  ]) {
    await page.setViewportSize(viewport);
    await expectLayoutHolds(page, `/api/docs at ${viewport.width}px`);
  }
  expect(problems).toEqual([]);
  expect(elsewhere).toEqual([]);
});
