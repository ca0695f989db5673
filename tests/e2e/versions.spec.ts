// Issue 21, items 2 and 6, in Chromium: a customer compares an old version of their delivered text with the current
// one and restores it; an admin restores another version for them, with a reason the audit log keeps. The document
// and its history (delivered, edited, regenerated, restored) are written into the running app's database as the
// editor and the writer leave them: this spec is about the versions pages, not about writing.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { Kysely, PostgresDialect } from "kysely";
import pg from "pg";
import { runningEmbeddedUrl } from "../../db/embedded";
import type { Database } from "../../db/schema";
import { insertDeliveredDocument } from "../setup/documents";
import { insertVersions } from "../setup/versions";
import { acceptEssentialConsent, codeOf, latestMail, requestCode, signUp, uniqueEmail } from "./helpers";
import { E2E } from "./servers";

// The "openai" project's app (playwright.config.ts): this spec is not one the other projects match.
const { dataDir, pgPort } = E2E.apps.openai;

function appDatabase() {
  const url = runningEmbeddedUrl(path.resolve(dataDir, "pg"), pgPort);
  if (!url) throw new Error(`the app's embedded Postgres (${dataDir}) is not running`);
  return new Kysely<Database>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2 }) }),
  });
}

/** `npm run create-admin -- EMAIL` against the running app's embedded Postgres. */
async function createAdmin(email: string) {
  await promisify(execFile)("node", ["--import", "tsx", "scripts/create-admin.ts", email], {
    env: { ...process.env, NODE_ENV: "test", DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(pgPort), DATABASE_URL: "" },
  });
}

async function signInAsAdmin(browser: Browser, email: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await requestCode(page, email);
  await page.getByLabel("Code from the email").fill(codeOf(await latestMail(dataDir, email)));
  await page.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(page);
  return page;
}

test("a customer compares an old version with the current text and restores it; an admin restores another for them", async ({
  page,
  browser,
}, testInfo) => {
  const db = appDatabase();
  try {
    const email = await signUp(page, testInfo, "versions");
    const customer = await db.selectFrom("users").select("id").where("email", "=", email).executeTakeFirstOrThrow();
    const document = await insertDeliveredDocument(db, customer.id, "Biblioteche popolari e società operaie");
    const adminEmail = uniqueEmail("versions-admin");
    await createAdmin(adminEmail);
    const admin = await db.selectFrom("users").select("id").where("email", "=", adminEmail).executeTakeFirstOrThrow();
    // 1 delivered, 2 the customer's edit of "Quadro storico", 3 a regeneration, 4 restored from 1, 5 an admin's
    // restore of 2: the current text has the customer's words in "Quadro storico".
    await insertVersions(db, document.id, { customerId: customer.id, adminId: admin.id });

    // The document's page leads to its versions, newest first, each saying who made it.
    await page.goto(`/documents/${document.id}`);
    await page.getByRole("link", { name: "Versions", exact: true }).click();
    await expect(page.getByRole("heading", { name: "Versions", exact: true })).toBeVisible();
    const versions = page.getByRole("list", { name: "Versions, newest first" }).getByRole("listitem");
    await expect(versions).toHaveCount(5);
    await expect(versions.first()).toContainText("Version 5");
    await expect(versions.first()).toContainText("current text");
    await expect(versions.nth(3)).toContainText("You");
    await expect(versions.nth(3)).toContainText("Sections changed: Quadro storico");

    // Version 1 against the current text: the delivered words struck through, the customer's underlined.
    await versions.nth(4).getByRole("link", { name: "Version 1" }).click();
    await expect(page.getByRole("heading", { name: "Version 1" })).toBeVisible();
    const changed = page.getByRole("region", { name: "Quadro storico" });
    await expect(changed.locator("del", { hasText: "pubbliche europee" })).toBeVisible();
    await expect(changed.locator("ins", { hasText: "riletto dal cliente" })).toBeVisible();
    // Unchanged sections are folded away, their text one click away.
    const introduction = page.locator("details", { hasText: "Introduzione (unchanged)" });
    await expect(introduction.getByText("Le biblioteche pubbliche europee nascono")).toBeHidden();
    await introduction.getByText("Introduzione (unchanged)").click();
    await expect(introduction.getByText("Le biblioteche pubbliche europee nascono")).toBeVisible();

    // Restored: a new version, version 6, whose text is version 1's.
    await page.getByRole("button", { name: "Restore this version" }).click();
    await expect(page.getByRole("status")).toHaveText("Version 1 restored: it is now version 6, the current text.");
    await expect(versions).toHaveCount(6);
    await expect(versions.first()).toContainText("Restored from version 1");
    await versions.first().getByRole("link", { name: "Version 6" }).click();
    await expect(page.getByText("This version is the same as the current text.")).toBeVisible();
    await page.getByText("Quadro storico (unchanged)").click();
    await expect(page.locator("details", { hasText: "Quadro storico" })).toContainText(
      "Le biblioteche pubbliche europee nascono",
    );

    // An admin opens the order, its versions, and restores version 2 for the customer, saying why.
    const adminPage = await signInAsAdmin(browser, adminEmail);
    await adminPage.goto(`/admin/documents/${document.id}`);
    await adminPage.getByRole("link", { name: "Versions of the text" }).click();
    await adminPage.getByRole("link", { name: "Version 2", exact: true }).click();
    await expect(adminPage.getByRole("heading", { name: "Version 2" })).toBeVisible();
    await adminPage.getByLabel("Reason (kept in the audit log)").fill("The customer asked support for their edit back");
    await adminPage.getByRole("button", { name: "Restore for the customer" }).click();
    await expect(adminPage.getByRole("status")).toHaveText("Version 2 restored for the customer: it is now version 7.");
    await adminPage.getByRole("navigation", { name: "Admin" }).getByRole("link", { name: "Audit log" }).click();
    await expect(adminPage.getByRole("table").first()).toContainText("document.version_restored");
    await expect(adminPage.getByRole("table").first()).toContainText("The customer asked support for their edit back");

    // The customer sees who restored what.
    await page.goto(`/documents/${document.id}/versions`);
    await expect(versions.first()).toContainText("An administrator, restoring version 2");
    await versions.nth(1).getByRole("link", { name: "Version 6" }).click();
    await expect(
      page.getByRole("region", { name: "Quadro storico" }).locator("ins", { hasText: "riletto dal cliente" }),
    ).toBeVisible();
    // The document's own text follows the admin's restore once the worker has rebuilt it.
    await expect(async () => {
      await page.goto(`/documents/${document.id}`);
      await expect(page.getByTestId("document-text")).toContainText("riletto dal cliente", { timeout: 1000 });
    }).toPass({ timeout: 60_000 });
  } finally {
    await db.destroy();
  }
});
