import { request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CROSS_SITE_MESSAGE,
  cspNonceMiddleware,
  helmetWithCsp,
  originCheckMiddleware,
} from "../../app/utils/security.server";
import { warnSpies } from "../setup/fixtures";

const APP_URL = "https://tesigo.example";
const STRIPE_CHECKOUT = "https://checkout.stripe.com";
let server: Server;
let base: string;

beforeAll(async () => {
  const app = express();
  app.use(cspNonceMiddleware());
  app.use(helmetWithCsp({ extraFormActions: [STRIPE_CHECKOUT], extraConnectSources: ["https://api.example.org"] }));
  app.use(originCheckMiddleware({ appUrl: APP_URL, exemptPaths: ["/api/stripe/webhook"] }));
  app.get("/", (_req, res) => void res.json({ nonce: res.locals.cspNonce }));
  app.all("*", (_req, res) => void res.json({ ok: true }));
  server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server?.close(resolve)));
const spyOnWarn = warnSpies();

/** node:http rather than fetch, so no header is added behind our back; a fresh connection each (no keep-alive races). */
function send(method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }>(
    (resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method, headers, agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on("error", reject);
      req.end(method === "GET" || method === "HEAD" ? undefined : "title=x");
    },
  );
}

const form = { "Content-Type": "application/x-www-form-urlencoded" };

describe("originCheckMiddleware", () => {
  it("refuses a POST from another site with a readable message", async () => {
    spyOnWarn();
    const json = await send("POST", "/orders/new", { ...form, Origin: "https://evil.example" });
    expect(json.status).toBe(403);
    expect(JSON.parse(json.body)).toEqual({ error: CROSS_SITE_MESSAGE });
    expect(CROSS_SITE_MESSAGE).toBe(
      "This form was sent from another site, so it was refused. Reload the page and try again.",
    );

    const page = await send("POST", "/orders/new", {
      ...form,
      Origin: "https://evil.example",
      Accept: "text/html,*/*;q=0.8",
    });
    expect(page.status).toBe(403);
    expect(page.headers["content-type"]).toMatch(/^text\/html/);
    expect(page.body).toContain(CROSS_SITE_MESSAGE);

    // A look-alike host, another port or scheme of our own host, or the opaque "null" origin are all other sites.
    for (const origin of [
      "https://tesigo.example.evil.example",
      "http://tesigo.example",
      "https://tesigo.example:8443",
      "null",
    ]) {
      expect((await send("POST", "/orders/new", { ...form, Origin: origin })).status, origin).toBe(403);
    }
    expect((await send("DELETE", "/documents/1", { Origin: "https://evil.example" })).status).toBe(403);
  });

  it("refuses a POST with neither Origin nor Referer, and one whose Referer is another site", async () => {
    spyOnWarn();
    expect((await send("POST", "/orders/new", form)).status).toBe(403);
    expect((await send("POST", "/orders/new", { ...form, Referer: "https://evil.example/page" })).status).toBe(403);
    expect((await send("POST", "/orders/new", { ...form, Referer: "not a url" })).status).toBe(403);
  });

  it("lets same-origin POSTs through: APP_URL's origin, the addressed origin, or a same-origin Referer", async () => {
    const warn = spyOnWarn(false);
    expect((await send("POST", "/orders/new", { ...form, Origin: APP_URL })).status).toBe(200);
    expect((await send("POST", "/orders/new", { ...form, Origin: base })).status).toBe(200);
    expect((await send("POST", "/orders/new", { ...form, Referer: `${APP_URL}/orders/new?x=1` })).status).toBe(200);
    expect((await send("POST", "/orders/new", { ...form, Referer: `${base}/login` })).status).toBe(200);
    expect(warn).not.toHaveBeenCalled();
  });

  it("lets GET, HEAD and OPTIONS through whatever their origin", async () => {
    for (const method of ["GET", "HEAD", "OPTIONS"]) {
      expect((await send(method, "/documents", { Origin: "https://evil.example" })).status, method).toBe(200);
    }
  });

  it("does not check Stripe's webhook", async () => {
    expect((await send("POST", "/api/stripe/webhook", { "Content-Type": "application/json" })).status).toBe(200);
    expect((await send("POST", "/api/stripe/webhook/", { Origin: "https://stripe.com" })).status).toBe(200);
    spyOnWarn();
    expect((await send("POST", "/api/stripe/webhooks", form)).status).toBe(403);
  });
});

describe("helmetWithCsp", () => {
  function csp(headers: Record<string, string | string[] | undefined>) {
    const value = String(headers["content-security-policy"]);
    return Object.fromEntries(
      value.split(";").map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name, sources.join(" ")];
      }),
    );
  }

  it("allows scripts only from us or carrying this response's nonce", async () => {
    const first = await send("GET", "/");
    const second = await send("GET", "/");
    const nonce = JSON.parse(first.body).nonce as string;
    expect(Buffer.from(nonce, "base64")).toHaveLength(16);
    expect(JSON.parse(second.body).nonce).not.toBe(nonce);
    expect(String(first.headers["content-security-policy"])).toContain(`script-src 'self' 'nonce-${nonce}'`);

    expect(csp(first.headers)).toEqual({
      "default-src": "'self'",
      "script-src": `'self' 'nonce-${nonce}'`,
      "script-src-attr": "'none'",
      "style-src": "'self'",
      "style-src-attr": "'unsafe-inline'",
      "img-src": "'self' data:",
      "font-src": "'self'",
      "connect-src": "'self' ws: wss: https://api.example.org",
      "frame-src": "'self'",
      "frame-ancestors": "'none'",
      "form-action": `'self' ${STRIPE_CHECKOUT}`,
      "base-uri": "'self'",
      "object-src": "'none'",
    });
  });

  it("keeps helmet's other headers, and puts the CSP on refusals too", async () => {
    const res = await send("GET", "/");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(res.headers["strict-transport-security"]).toMatch(/max-age=/);
    expect(res.headers["x-frame-options"]).toBe("SAMEORIGIN");
    // Same-origin only: a script-less form POST then carries our Origin (no-referrer would make it "null").
    expect(res.headers["referrer-policy"]).toBe("same-origin");
    spyOnWarn();
    const refused = await send("POST", "/x", form);
    expect(csp(refused.headers)["form-action"]).toBe(`'self' ${STRIPE_CHECKOUT}`);
  });

  it("asks browsers to upgrade insecure requests only when told to (production)", async () => {
    const app = express();
    app.use(helmetWithCsp({ upgradeInsecureRequests: true }));
    app.get("/", (_req, res) => void res.send("ok"));
    const prod = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => prod.once("listening", resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(prod.address() as AddressInfo).port}/`);
      const header = res.headers.get("content-security-policy")!;
      expect(header).toContain("upgrade-insecure-requests");
      // Without cspNonceMiddleware a nonce is still made per response, never left empty.
      expect(header).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/]{22}=='/);
      expect(header).toContain("form-action 'self';");
    } finally {
      await new Promise((resolve) => prod.close(resolve));
    }
    expect(csp((await send("GET", "/")).headers)).not.toHaveProperty("upgrade-insecure-requests");
  });
});
