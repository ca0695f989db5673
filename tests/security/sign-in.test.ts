// Attacks on sign-in, over HTTP against the running app (issue 16, items 1–4 and 12).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeSmtp } from "../fakes/smtp";
import { type App, Client, mailsTo, rawRequest, startApp } from "./app";

let app: App;
beforeAll(async () => {
  // Limits high enough to stay out of the way here; the limits have their own app below.
  app = await startApp({ SIGNIN_LIMIT_PER_15_MINUTES: "1000", RATE_LIMIT_PER_MINUTE: "100000" });
});
afterAll(() => app?.stop());

let counter = 0;
/** A fresh address per test, and a fresh client address, so tests never share a rate-limit bucket. */
function unique(label: string) {
  counter++;
  return { email: `${label}-${counter}-${Date.now()}@example.com`, ip: `198.51.100.${counter}` };
}

function codeOf(text: string): string {
  return /sign-in code is ([A-Z0-9]{6})/.exec(text)![1]!;
}
function linkOf(text: string): string {
  return /(https?:\/\/\S+\/magic-link\S*)/.exec(text)![1]!;
}

/** Asks a code for `email`; returns the code and link from the newest email. */
async function askCode(client: Client, email: string, extra: Record<string, string> = {}) {
  const before = (await mailsTo(client.app, email, 0, 0)).length;
  const res = await client.post("/login", { email, ...extra });
  expect(res.status, res.text).toBeLessThan(400);
  const [mail] = await mailsTo(client.app, email, before + 1);
  return { code: codeOf(mail!.text), link: linkOf(mail!.text) };
}

async function sessionEmails(): Promise<string[]> {
  const rows = await app.db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select("users.email")
    .where("sessions.revoked_at", "is", null)
    .execute();
  return rows.map((r) => r.email);
}

/** Whoever the client is signed in as, read from the pages it sees (null when signed out). */
async function signedInAs(client: Client): Promise<string | null> {
  let res = await client.get("/account");
  if (res.status === 302 && res.location?.includes("/welcome")) res = await client.get(res.location);
  if (res.status !== 200) return null;
  return /([\w.+-]+@example\.com)/.exec(res.text)?.[1] ?? null;
}

/** Replaces every occurrence of one address by another in every cookie the client holds (raw and URL-encoded). */
function rewriteCookies(client: Client, from: string, to: string) {
  const pairs: [string, string][] = [
    [from, to],
    [encodeURIComponent(from), encodeURIComponent(to)],
    [encodeURIComponent(encodeURIComponent(from)), encodeURIComponent(encodeURIComponent(to))],
  ];
  for (const [name, value] of client.cookies) {
    let next = value;
    for (const [a, b] of pairs) next = next.split(a).join(b);
    client.cookies.set(name, next);
  }
}

describe("a code is bound to the address it was sent to", () => {
  it("a code sent to mallory@ cannot sign in victim@, via code or link, even with the cookie edited to victim@", async () => {
    const victim = unique("victim");
    const mallory = unique("mallory");
    // The victim has an account already; Mallory wants into it.
    const owner = new Client(app, victim.ip);
    await owner.post("/login", { email: victim.email });
    await mailsTo(app, victim.email);

    for (const via of ["code", "link"] as const) {
      const attacker = new Client(app, mallory.ip);
      const { code, link } = await askCode(attacker, mallory.email);
      rewriteCookies(attacker, mallory.email, victim.email);
      if (via === "code") await attacker.post("/login", { code });
      else await attacker.get(link);
      const who = await signedInAs(attacker);
      expect(who, via).not.toBe(victim.email);
      expect(await sessionEmails(), via).not.toContain(victim.email);
    }
    // No account was created or entered in the victim's name by any of this.
    const users = await app.db.selectFrom("users").select("email").where("email", "=", victim.email).execute();
    expect(users.length).toBeLessThanOrEqual(1);
  });

  it("a code and its link work once: a replay of either signs nobody in again", async () => {
    const { email, ip } = unique("once");
    const browser = new Client(app, ip);
    const { code, link } = await askCode(browser, email);
    const pending = new Map(browser.cookies);
    const first = await browser.post("/login", { code });
    expect(first.status).toBe(302);
    expect(await signedInAs(browser)).toBe(email);
    const sessions = (await sessionEmails()).filter((e) => e === email).length;

    // The same browser state replayed, with the code and with the link.
    for (const replay of [(c: Client) => c.post("/login", { code }), (c: Client) => c.get(link)]) {
      const replayer = new Client(app, ip);
      for (const [k, v] of pending) replayer.cookies.set(k, v);
      await replay(replayer);
      expect(await signedInAs(replayer)).toBeNull();
    }
    expect((await sessionEmails()).filter((e) => e === email).length).toBe(sessions);
  });

  it("five wrong codes end a code, counted on the server: a reset cookie buys no sixth try", async () => {
    const { email, ip } = unique("guess");
    const browser = new Client(app, ip);
    const { code } = await askCode(browser, email);
    const pending = new Map(browser.cookies);
    const wrong = code === "ZZZZZZ" ? "YYYYYY" : "ZZZZZZ";
    for (let i = 0; i < 5; i++) {
      // Each guess from the cookie as it was when the code was sent, as a script resetting its state would.
      for (const [k, v] of pending) browser.cookies.set(k, v);
      const res = await browser.post("/login", { code: wrong });
      expect(res.status).toBeLessThan(500);
    }
    for (const [k, v] of pending) browser.cookies.set(k, v);
    await browser.post("/login", { code });
    expect(await signedInAs(browser)).toBeNull();
  });
});

describe("links in emails", () => {
  it("a forged Host header cannot make the sign-in email link to another site", async () => {
    const { email, ip } = unique("host");
    const res = await rawRequest(`${app.url}/login`, {
      method: "POST",
      headers: {
        Host: "evil.example",
        Origin: "http://evil.example",
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Forwarded-For": ip,
      },
      body: new URLSearchParams({ email }).toString(),
    });
    expect(res.status).toBeLessThan(500);
    const mails = await mailsTo(app, email, 0, 0);
    for (const mail of mails) {
      expect(linkOf(mail.text).startsWith(`${app.url}/`)).toBe(true);
      expect(mail.text).not.toContain("evil.example");
      expect(mail.html).not.toContain("evil.example");
    }
  });
});

describe("redirects after sign-in stay on our site", () => {
  const payloads = [
    "/%5Cevil.example",
    "//evil.example",
    "/%09/evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "/.//evil.example",
    "javascript:alert(1)",
  ];

  function staysHome(location: string | null) {
    expect(location).toBeTruthy();
    const target = new URL(location!, app.url);
    expect(target.origin, location!).toBe(new URL(app.url).origin);
    // What a browser does with the raw header: a tab or backslash must not turn the path into another host.
    expect(location!, location!).not.toMatch(/^[\s/\\]*[/\\][\s/\\]/);
  }

  it("a page of our own asked for before signing in is where the customer lands after the code and the consent", async () => {
    const { email, ip } = unique("target");
    const browser = new Client(app, ip);
    const asked = await browser.get("/orders/new?kind=thesis");
    expect(asked.location).toBe(`/login?redirectTo=${encodeURIComponent("/orders/new?kind=thesis")}`);
    const { code } = await askCode(browser, email, { redirectTo: "/orders/new?kind=thesis" });
    const signedIn = await browser.post("/login", { code });
    expect(signedIn.location).toBe(`/welcome?redirectTo=${encodeURIComponent("/orders/new?kind=thesis")}`);
    const consent = await browser.post(signedIn.location!, { essential: "on", redirectTo: "/orders/new?kind=thesis" });
    expect(consent.location).toBe("/orders/new?kind=thesis");
  });

  // Each payload is what an attacker puts in the query string as is; a form carries its decoded value.
  it.each(payloads)("redirectTo=%s ends on our own origin after signing in and after consent", async (payload) => {
    const { email, ip } = unique("redirect");
    const decoded = new URLSearchParams(`v=${payload}`).get("v")!;
    const browser = new Client(app, ip);
    await browser.get(`/login?redirectTo=${payload}`);
    const { code } = await askCode(browser, email, { redirectTo: decoded });
    const signedIn = await browser.post(`/login?redirectTo=${payload}`, { code, redirectTo: decoded });
    staysHome(signedIn.location);
    const consent = await browser.post(`/welcome?redirectTo=${payload}`, { essential: "on", redirectTo: decoded });
    staysHome(consent.location);
    const again = await browser.get(`/welcome?redirectTo=${payload}`);
    staysHome(again.location);
  });
});

describe("limits slow the attacker, not the owner", () => {
  it("a stranger hammering victim@ with code requests and wrong codes does not stop victim@ signing in from their own browser", async () => {
    const limited = await startApp({ SIGNIN_LIMIT_PER_15_MINUTES: "5", RATE_LIMIT_PER_MINUTE: "100000" });
    try {
      await hammerThenOwnerSignsIn(limited);
    } finally {
      await limited.stop();
    }
  });
});

async function hammerThenOwnerSignsIn(app: App) {
  const victim = unique("owner");
  const stranger = unique("hammer");
  // The owner has signed in from this browser before, then signed out.
  const own = new Client(app, victim.ip);
  const first = await askCode(own, victim.email);
  await own.post("/login", { code: first.code });
  expect(await signedInAs(own)).toBe(victim.email);
  await own.post("/logout", {});
  expect(await signedInAs(own)).toBeNull();

  // The stranger asks codes for the victim's address and guesses, from one address and from many.
  let refused = 0;
  for (let i = 0; i < 12; i++) {
    const attacker = new Client(app, i < 6 ? stranger.ip : `203.0.113.${100 + i}`);
    const asked = await attacker.post("/login", { email: victim.email });
    if (asked.status === 429) refused++;
    await attacker.post("/login", { code: "ZZZZZZ" });
  }
  expect(refused).toBeGreaterThan(0); // the stranger is slowed

  // The owner, from their own browser, still gets a code and signs in with it.
  const again = await askCode(own, victim.email);
  await own.post("/login", { code: again.code });
  expect(await signedInAs(own)).toBe(victim.email);
}

describe("the rate limiter's buckets", () => {
  it("invented API keys do not buy fresh rate-limit buckets: rotating X-API-Key or Bearer stays within the address's limit", async () => {
    const limited = await startApp({ RATE_LIMIT_PER_MINUTE: "5" });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const headers: Record<string, string> = { "X-Forwarded-For": "192.0.2.77" };
        if (i % 2) headers["X-API-Key"] = `invented-${i}`;
        else headers.Authorization = `Bearer invented-${i}`;
        statuses.push((await fetch(`${limited.url}/login`, { headers, redirect: "manual" })).status);
      }
      expect(statuses.slice(0, 5).every((s) => s === 200)).toBe(true);
      expect(statuses.slice(5)).toEqual([429, 429, 429]);
    } finally {
      await limited.stop();
    }
  });
});

describe("production refuses requests addressed to another host", () => {
  it("in production a request whose Host is not APP_URL's is refused, while APP_URL's host and health checks are served", async () => {
    const smtp = await startFakeSmtp();
    const prod = await startApp({
      NODE_ENV: "production",
      APP_URL: "https://tesigo.example",
      SMTP_URL: smtp.url,
      SESSION_SECRET: "k9P2vX7qL4mZ8rT1wY6nB3cF5hJ0dG2s",
      TOTP_SECRET: "a3f9c2e17b6d4058a1c9e3f7b2d6a4c8e0f1b3d5a7c9e2f4b6d8a0c2e4f6b8d1",
      ALLOW_OFFLINE_PROVIDERS: "true",
    }).catch(async (error) => {
      await smtp.close();
      throw error;
    });
    try {
      const forged = await rawRequest(`${prod.url}/login`, {
        method: "POST",
        headers: {
          Host: "evil.example",
          Origin: "https://evil.example",
          "Content-Type": "application/x-www-form-urlencoded",
        },
        body: "email=victim%40example.com",
      });
      expect(forged.status).toBe(421);
      expect(forged.body).toMatch(/addressed to another site/i);
      expect(smtp.messages).toHaveLength(0);
      const health = await rawRequest(`${prod.url}/healthz`, { headers: { Host: "10.0.0.7:3000" } });
      expect(health.status).toBe(200);
      const ours = await rawRequest(`${prod.url}/healthz`, { headers: { Host: "tesigo.example" } });
      expect(ours.status).toBe(200);
    } finally {
      await prod.stop();
      await smtp.close();
    }
  });
});
