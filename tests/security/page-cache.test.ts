import { createHash } from "node:crypto";
import { brotliDecompressSync, gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { request } from "node:http";
import { type App, Client, signedInCustomer, startApp } from "./app";
import { insertDeliveredDocument, insertDocumentInProgress } from "../setup/documents";

// Issue 20, items 2–4: the documents list and a document's page are kept rendered and served again while what they
// show is unchanged — and nothing the trust issue guarantees gets weaker: no stale page, no page of another reader,
// sign-out at once, a nonce never sent twice, every request still counted by the rate limiter.

let app: App;
let owner: Awaited<ReturnType<typeof signedInCustomer>>;
let deliveredId: string;

beforeAll(async () => {
  app = await startApp();
  owner = await signedInCustomer(app);
  deliveredId = (await insertDeliveredDocument(app.db, owner.userId, "Kept pages and their readers")).id;
}, 60_000);

afterAll(async () => {
  await app?.stop();
});

/** Whether an answer came from the kept pages: its scripts are allowed by their hashes, not by a nonce. */
const isKept = (page: { headers: Headers }) => {
  const csp = page.headers.get("content-security-policy") ?? "";
  return csp.includes("'sha256-") && !csp.includes("'nonce-");
};

/** The page as a reload gets it: the first answer is rendered (and kept before it is sent), the second is kept. */
async function keptPage(client: Client, path: string) {
  expect((await client.get(path)).status).toBe(200);
  const page = await client.get(path);
  expect(page.status).toBe(200);
  expect(isKept(page)).toBe(true);
  return page;
}

/** The answer's bytes as they travel, undecoded. */
function bytesOf(url: string, cookie: string, encoding: string) {
  return new Promise<{ body: Buffer; encoding?: string; vary?: string }>((resolve, reject) => {
    const req = request(url, { headers: { cookie, "accept-encoding": encoding } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ body: Buffer.concat(chunks), encoding: res.headers["content-encoding"], vary: res.headers.vary }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

describe("kept pages", () => {
  it("a reload of the documents list is served kept, each inline script allowed by exactly its own hash", async () => {
    const first = await owner.client.get("/documents");
    expect(first.status).toBe(200);
    expect(isKept(first)).toBe(false);
    expect(first.headers.get("content-security-policy")).toMatch(/'nonce-/);
    const kept = await keptPage(owner.client, "/documents");
    expect(kept.text).toContain("Kept pages and their readers");
    expect(kept.text).not.toMatch(/ nonce="/);
    const inline = [...kept.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)]
      .filter(([, attributes, code]) => !/\bsrc=/.test(attributes!) && code)
      .map(([, , code]) => `'sha256-${createHash("sha256").update(code!, "utf8").digest("base64")}'`);
    expect(inline.length).toBeGreaterThan(0);
    const allowed = kept.headers.get("content-security-policy")!.match(/'sha256-[^']+'/g) ?? [];
    expect(new Set(allowed)).toEqual(new Set(inline));
    expect(kept.headers.get("cache-control")).toBe("private, no-cache");
  });

  it("a document's page is kept too, and a change written by another process shows on the very next request", async () => {
    await keptPage(owner.client, `/documents/${deliveredId}`);
    await app.db
      .updateTable("documents")
      .set({ topic: "A topic renamed elsewhere" })
      .where("id", "=", deliveredId)
      .execute();
    const next = await owner.client.get(`/documents/${deliveredId}`);
    expect(next.text).toContain("A topic renamed elsewhere");
    expect(next.text).not.toContain("Kept pages and their readers");
    const list = await owner.client.get("/documents");
    expect(list.text).toContain("A topic renamed elsewhere");
  });

  it("another customer asking the same addresses gets their own list, and 404 for the kept document", async () => {
    await keptPage(owner.client, `/documents/${deliveredId}`);
    const stranger = await signedInCustomer(app);
    const list = await stranger.client.get("/documents");
    expect(list.status).toBe(200);
    expect(list.text).not.toContain(deliveredId);
    expect((await stranger.client.get(`/documents/${deliveredId}`)).status).toBe(404);
  });

  it("a browser revalidating gets 304 with no body and no CSP; another reader sending that ETag gets their own page", async () => {
    const kept = await keptPage(owner.client, "/documents");
    const etag = kept.headers.get("etag")!;
    expect(etag).toMatch(/^"[\w-]{32}"$/);
    const again = await owner.client.get("/documents", { "if-none-match": etag });
    expect(again.status).toBe(304);
    expect(again.text).toBe("");
    // The browser keeps showing its copy with that copy's nonce: a CSP with a new one would block its scripts.
    expect(again.headers.get("content-security-policy")).toBeNull();
    const stranger = await signedInCustomer(app);
    const theirs = await stranger.client.get("/documents", { "if-none-match": etag });
    expect(theirs.status).toBe(200);
    expect(theirs.text).not.toContain(deliveredId);
  });

  it("sign-out ends it at once: the old cookie, even with the page's ETag, is sent to sign in", async () => {
    const leaving = await signedInCustomer(app);
    await insertDeliveredDocument(app.db, leaving.userId, "Read before signing out");
    const kept = await keptPage(leaving.client, "/documents");
    const oldCookie = leaving.client.cookieHeader();
    expect((await leaving.client.post("/logout", {})).status).toBe(302);
    const headers = { cookie: oldCookie, "if-none-match": kept.headers.get("etag")! };
    for (const reply of [
      await new Client(app).get("/documents", headers),
      await new Client(app).get("/documents", { cookie: oldCookie }),
    ]) {
      expect(reply.status).toBe(302);
      expect(reply.location).toMatch(/^\/login\?redirectTo=/);
      expect(reply.text).not.toContain("Read before signing out");
    }
  });

  it("a forged session cookie, even with a kept page's ETag, is nobody: it is sent to sign in", async () => {
    const kept = await keptPage(owner.client, "/documents");
    const real = owner.client.cookies.get("__session")!;
    const forged = real.replace(/.$/, (c) => (c === "a" ? "b" : "a"));
    for (const cookie of [`__session=${forged}`, "__session=not-signed-at-all"]) {
      const reply = await new Client(app).get("/documents", { cookie, "if-none-match": kept.headers.get("etag")! });
      expect(reply.status).toBe(302);
      expect(reply.location).toMatch(/^\/login\?redirectTo=/);
    }
  });

  it("twenty requests at once for a page not yet kept all get the same page, and a huge If-None-Match is no ETag", async () => {
    const reader = await signedInCustomer(app);
    await insertDeliveredDocument(app.db, reader.userId, "Asked for twenty times at once");
    const replies = await Promise.all(Array.from({ length: 20 }, () => reader.client.get("/documents")));
    expect(replies.map((r) => r.status)).toEqual(Array(20).fill(200));
    expect(replies.every((r) => r.text.includes("Asked for twenty times at once"))).toBe(true);
    const huge = Array.from({ length: 300 }, (_, i) => `"${String(i).padStart(32, "x")}"`).join(", ");
    const reply = await reader.client.get("/documents", { "if-none-match": huge });
    expect(reply.status).toBe(200);
    expect(isKept(reply)).toBe(true);
  });

  it("a disabled account's kept page is not served", async () => {
    const soon = await signedInCustomer(app);
    await insertDeliveredDocument(app.db, soon.userId, "Read before being disabled");
    await keptPage(soon.client, "/documents");
    await app.db.updateTable("users").set({ disabled_at: new Date() }).where("id", "=", soon.userId).execute();
    const reply = await soon.client.get("/documents");
    expect(reply.status).toBe(302);
    expect(reply.text).not.toContain("Read before being disabled");
  });

  it("a new interface language is never answered with the page kept in the old one", async () => {
    const reader = await signedInCustomer(app);
    await keptPage(reader.client, "/documents");
    await app.db.updateTable("users").set({ locale: "it" }).where("id", "=", reader.userId).execute();
    const italian = await reader.client.get("/documents");
    expect(italian.text).toMatch(/<html lang="it"/);
    reader.client.cookies.set("lng", "de");
    await app.db.updateTable("users").set({ locale: null }).where("id", "=", reader.userId).execute();
    expect((await reader.client.get("/documents")).text).toMatch(/<html lang="de"/);
  });

  it("gzip and brotli answers of a kept page decode to the same page as the plain one", async () => {
    const ask = (encoding: string) => bytesOf(`${app.url}/documents`, owner.client.cookieHeader(), encoding);
    await ask("identity"); // rendered and kept
    const [plain, gzip, br] = [await ask("identity"), await ask("gzip"), await ask("br")];
    expect(plain.body.toString("utf8")).not.toContain(' nonce="');
    expect(plain.encoding).toBeUndefined();
    expect(gzip.encoding).toBe("gzip");
    expect(br.encoding).toBe("br");
    expect(br.vary).toMatch(/Accept-Encoding/i);
    expect(plain.body.toString("utf8")).toContain(deliveredId);
    const gunzipped = gunzipSync(gzip.body);
    const unbrotlied = brotliDecompressSync(br.body);
    expect(gunzipped.equals(plain.body)).toBe(true);
    expect(unbrotlied.equals(plain.body)).toBe(true);
  });

  it("a draft's redirect to the wizard is neither kept nor given an ETag", async () => {
    const draft = await app.db
      .insertInto("documents")
      .values({ user_id: owner.userId, topic: "A draft", pages: 5, language: "en", price_cents: 2500, status: "draft" })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (let i = 0; i < 2; i++) {
      const reply = await owner.client.get(`/documents/${draft.id}`);
      expect(reply.status).toBe(302);
      expect(reply.headers.get("etag")).toBeNull();
    }
  });

  it("a document being written is not kept: each answer is rendered with its own nonce", async () => {
    const writing = (await insertDocumentInProgress(app.db, owner.userId)).id;
    for (let i = 0; i < 3; i++) {
      const page = await owner.client.get(`/documents/${writing}`);
      expect(page.status).toBe(200);
      expect(isKept(page)).toBe(false);
    }
  });
});

describe("static files", () => {
  it("built assets are immutable for a year, the favicon cached for an hour, any other path is a page", async () => {
    const home = await new Client(app).get("/");
    const stylesheet = /href="(\/build\/[^"]+\.css)"/.exec(home.text)?.[1];
    expect(stylesheet).toBeDefined();
    const asset = await fetch(`${app.url}${stylesheet}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const icon = await fetch(`${app.url}/favicon.svg`);
    expect(icon.status).toBe(200);
    expect(icon.headers.get("cache-control")).toBe("public, max-age=3600");
    const missing = await fetch(`${app.url}/favicon.svg.bak`, { headers: { accept: "text/html" } });
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<html");
  });
});

describe("the rate limiter still counts kept pages", () => {
  let limited: App;
  beforeAll(async () => {
    limited = await startApp({ RATE_LIMIT_PER_MINUTE: "6", ROLE: "web" });
  }, 60_000);
  afterAll(async () => {
    await limited?.stop();
  });

  it("with 6 a minute, the seventh request is refused with 429 though the page is kept", async () => {
    const customer = await signedInCustomer(limited);
    const replies = [];
    for (let i = 0; i < 7; i++) replies.push(await customer.client.get("/documents"));
    const statuses = replies.map((r) => r.status);
    expect(replies.slice(1, 6).every(isKept)).toBe(true);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 429]);
  });
});
