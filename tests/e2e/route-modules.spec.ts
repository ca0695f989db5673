import { expect, test } from "@playwright/test";

// A route module that throws when the browser loads it breaks every client-side navigation to its page ("Error
// loading route module …, reloading page"), while the server renders the same page fine — so a test that only opens
// pages never sees it. Found on /account/api-keys: its form's schema used a constant from a *.server module, which is
// empty in the browser. Every route of the manifest is loaded here, as a navigation would.
test("every route module loads in the browser", async ({ page }) => {
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  await page.goto("/");
  // The page holds only the routes discovered so far; the manifest file it names lists them all.
  const modules = await page.evaluate(async () => {
    type Manifest = { url: string; routes: Record<string, { id: string; module: string }> };
    const holder = window as unknown as { __remixManifest: Manifest };
    await import(/* @vite-ignore */ holder.__remixManifest.url);
    return Object.values(holder.__remixManifest.routes).map((route) => ({ id: route.id, module: route.module }));
  });
  expect(modules.length).toBeGreaterThan(40);
  const failures = await page.evaluate(async (list) => {
    const failed: string[] = [];
    for (const { id, module } of list) {
      try {
        await import(/* @vite-ignore */ module);
      } catch (error) {
        failed.push(`${id}: ${(error as Error).message}`);
      }
    }
    return failed;
  }, modules);
  expect(failures).toEqual([]);
  expect(errors).toEqual([]);
});
