import { expect, test } from "@playwright/test";
import { io } from "socket.io-client";
import {
  dataDirOf,
  latestMail,
  magicLinkOf,
  orderAndPay,
  requestCode,
  signUp,
  uniqueEmail,
  acceptEssentialConsent,
  codeOf,
} from "./helpers";
import { E2E } from "./servers";

test("another user's document is simply not found, in the page, the progress API and the socket room", async ({
  browser,
}, testInfo) => {
  const owner = await browser.newContext();
  const ownerPage = await owner.newPage();
  await signUp(ownerPage, testInfo, "owner");
  const documentPath = await orderAndPay(ownerPage, "Water rights in the Roman provinces");
  const documentId = documentPath.split("/").pop()!;
  const ownResponse = await ownerPage.request.get(`/api/documents/${documentId}/progress`);
  expect(ownResponse.status()).toBe(200);
  expect(await ownResponse.json()).toMatchObject({
    documentId,
    status: expect.any(String),
    percent: expect.any(Number),
  });

  const stranger = await browser.newContext();
  const strangerPage = await stranger.newPage();
  await signUp(strangerPage, testInfo, "stranger");
  const pageResponse = await strangerPage.goto(documentPath);
  expect(pageResponse?.status()).toBe(404);
  await expect(strangerPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
  const apiResponse = await strangerPage.request.get(`/api/documents/${documentId}/progress`);
  expect(apiResponse.status()).toBe(404);
  expect(await apiResponse.json()).toEqual({ error: "Document not found." });
  const origin = new URL(strangerPage.url()).origin;
  expect(
    (
      await strangerPage.request.post(`/orders/${documentId}/review`, { form: { intent: "dev" }, headers: { origin } })
    ).status(),
  ).toBe(404);

  // The socket.io room: a real socket.io client carrying each user's session cookie.
  const baseURL = testInfo.project.use.baseURL!;
  const joinAs = async (context: typeof owner) => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const socket = io(baseURL, { transports: ["websocket"], extraHeaders: { cookie }, reconnection: false });
    await new Promise<void>((resolve, reject) => {
      socket.once("connect", resolve);
      socket.once("connect_error", reject);
    });
    const reply = await socket.emitWithAck("join", documentId);
    socket.close();
    return reply;
  };
  expect(await joinAs(owner)).toEqual({ ok: true });
  expect(await joinAs(stranger)).toEqual({ ok: false, error: "Document not found." });

  const anonymous = await browser.newContext();
  expect((await anonymous.request.get(`${baseURL}/api/documents/${documentId}/progress`)).status()).toBe(404);
  await Promise.all([owner.close(), stranger.close(), anonymous.close()]);
});

test("a used magic link says so and offers a new one; a wrong code says so", async ({ browser }, testInfo) => {
  const first = await browser.newContext();
  const page = await first.newPage();
  const email = uniqueEmail("reuse");
  await requestCode(page, email);
  const link = magicLinkOf(await latestMail(dataDirOf(testInfo), email));
  await page.goto(link);
  await acceptEssentialConsent(page);

  const second = await browser.newContext();
  const other = await second.newPage();
  await other.goto(link);
  await expect(other).toHaveURL(/\/login\?error=used$/);
  await expect(other.getByRole("alert")).toContainText("This sign-in link has already been used");
  await expect(other.getByRole("button", { name: "Email me a sign-in code" })).toBeVisible();

  // A wrong code, then the right one typed in lower case.
  const email2 = uniqueEmail("code");
  await requestCode(other, email2);
  await other.getByLabel("Code from the email").fill("ZZZZZZ");
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other.getByRole("alert")).toContainText("That code is not right");
  const code = codeOf(await latestMail(dataDirOf(testInfo), email2));
  await other.getByLabel("Code from the email").fill(code.toLowerCase());
  await other.getByRole("button", { name: "Sign in" }).click();
  await acceptEssentialConsent(other);
  await Promise.all([first.close(), second.close()]);
});

test("sign out everywhere ends the sessions in other browsers", async ({ browser }, testInfo) => {
  const laptop = await browser.newContext();
  const laptopPage = await laptop.newPage();
  const email = await signUp(laptopPage, testInfo, "everywhere");

  const phone = await browser.newContext();
  const phonePage = await phone.newPage();
  await requestCode(phonePage, email);
  await phonePage.goto(magicLinkOf(await latestMail(dataDirOf(testInfo), email)));
  await expect(phonePage.getByRole("heading", { name: "My documents" })).toBeVisible(); // consent already given

  // A cross-site form post carrying the session cookie (CSRF) is refused, and changes nothing.
  const forged = await laptopPage.request.post("/logout", {
    form: { everywhere: "true" },
    headers: { origin: "https://evil.example" },
  });
  expect(forged.status()).toBe(403);
  await phonePage.reload();
  await expect(phonePage.getByRole("heading", { name: "My documents" })).toBeVisible();

  await laptopPage.getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(laptopPage.getByRole("link", { name: "Sign in", exact: true })).toBeVisible();
  await phonePage.reload();
  await expect(phonePage).toHaveURL(/\/login/);
  await Promise.all([laptop.close(), phone.close()]);
});

test("unknown pages get a proper 404 page, and bad form posts a readable 400", async ({ page, request }) => {
  const response = await page.goto("/no/such/page");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await expect(page.getByRole("link", { name: "Back to the home page" })).toBeVisible();

  const origin = new URL(page.url()).origin;
  const bad = await request.post("/login", { data: "{}", headers: { "content-type": "application/json", origin } });
  expect(bad.status()).toBe(400);
  // The same post from another site is refused before it reaches the app (CSRF).
  const crossSite = await request.post("/login", {
    form: { email: "a@example.com" },
    headers: { origin: "https://evil.example" },
  });
  expect(crossSite.status()).toBe(403);
  expect(await crossSite.text()).toContain("This form was sent from another site");
});

test("health endpoints answer for the deployer", async ({ request }) => {
  const live = await request.get("/healthz");
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: "ok" });
  // Without the token only the status: model names and raw errors are for monitoring.
  const anonymous = await request.get("/health/detailed");
  expect(anonymous.status()).toBe(200);
  expect(await anonymous.json()).toEqual({ status: "ok" });
  const detailed = await request.get("/health/detailed", { headers: { Authorization: `Bearer ${E2E.metricsToken}` } });
  expect(detailed.status()).toBe(200);
  const body = await detailed.json();
  expect(body.status).toBe("ok");
  for (const part of ["database", "queue", "storage", "providers"]) {
    expect(body.checks[part].status).toBe("ok");
  }
  expect(body.checks.database.latencyMs).toEqual(expect.any(Number));
  expect(body.checks.providers.chain).toEqual(["openai:gpt-4o-mini"]);
});
