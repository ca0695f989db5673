import { afterAll, beforeAll, expect, it } from "vitest";
import { type App, signedInCustomer, startApp } from "./app";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

it("the harness signs a customer in: their documents page answers, a stranger is sent to sign in", async () => {
  const { client } = await signedInCustomer(app);
  const mine = await client.get("/documents");
  expect(mine.status).toBe(200);
  expect(mine.text).toContain("My documents");
  const stranger = await fetch(`${app.url}/documents`, { redirect: "manual" });
  expect(stranger.status).toBe(302);
});
