import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { NextFunction, Request, RequestHandler, Response } from "express";
import helmet from "helmet";
import { logger } from "./logger.server";

/** Whether to answer with a page (a browser navigating) rather than JSON (fetch, scripts, API clients). */
export function wantsHtml(req: Request): boolean {
  // Browsers ask for text/html first; fetch's default `*/*` and API clients get JSON.
  return req.accepts(["json", "html"]) === "html";
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

/**
 * A self-contained page: no script, no stylesheet, only style attributes, so it renders under our CSP. With
 * `refreshSeconds` it loads itself again after that long (a plain meta refresh).
 */
export function simplePage(
  title: string,
  message: string,
  {
    lang = "en",
    back = "Back to TesiGo",
    refreshSeconds,
  }: { lang?: string; back?: string; refreshSeconds?: number } = {},
): string {
  const refresh = refreshSeconds ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : "";
  return `<!doctype html>
<html lang="${escapeHtml(lang)}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">${refresh}
<title>${escapeHtml(title)} · TesiGo</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem; color: #0f172a">
<h1 style="font-size: 1.5rem">${escapeHtml(title)}</h1>
<p>${escapeHtml(message)}</p>
<p><a href="/">${escapeHtml(back)}</a></p>
</body></html>`;
}

/** Refuses a request with a message a person can read: a page for browsers, `{ error }` JSON otherwise. */
export function sendRefusal(
  req: Request,
  res: Response,
  status: number,
  title: string,
  message: string,
  page?: { lang: string; back: string },
) {
  res.status(status).set("Cache-Control", "no-store");
  if (wantsHtml(req)) res.type("html").send(simplePage(title, message, page));
  else res.json({ error: message });
}

export const CROSS_SITE_MESSAGE =
  "This form was sent from another site, so it was refused. Reload the page and try again.";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

function originOf(url: string | undefined): string | null {
  if (!url) return null;
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

function normalizePath(path: string) {
  return path.replace(/\/+$/, "").toLowerCase() || "/";
}

/** The public API (issue 22): called with a bearer key, never with a cookie. */
export const API_PATH_PREFIX = "/api/v1/";

/**
 * CSRF defence for every state-changing request: its Origin (or, without one, its Referer's origin) must be the app's
 * own origin (APP_URL) or the origin the request was addressed to. A request carrying neither is refused too: browsers
 * send Origin on every POST, so only non-browser clients omit both. `exemptPaths` (Stripe's webhook) skip the check,
 * and so does the API (programs send no Origin): it is authorized by a bearer key alone and never sees a cookie
 * (apiIgnoresCookies), so a page of another site has nothing to ride on there (adding an Authorization header would
 * take a CORS preflight we never grant).
 */
export function originCheckMiddleware(options: { appUrl: string; exemptPaths: string[] }): RequestHandler {
  const appOrigin = originOf(options.appUrl);
  if (!appOrigin) throw new Error(`originCheckMiddleware: appUrl is not a URL: ${options.appUrl}`);
  const exempt = new Set(options.exemptPaths.map(normalizePath));

  return function originCheck(req: Request, res: Response, next: NextFunction) {
    if (SAFE_METHODS.has(req.method) || exempt.has(normalizePath(req.path)) || req.path.startsWith(API_PATH_PREFIX))
      return next();
    const sentOrigin = req.get("origin");
    const origin = sentOrigin !== undefined ? originOf(sentOrigin) : originOf(req.get("referer"));
    const addressedTo = originOf(`${req.protocol}://${req.get("host")}`);
    if (origin && (origin === appOrigin || origin === addressedTo)) return next();
    logger.warn(
      {
        method: req.method,
        path: req.path,
        origin: sentOrigin ?? (origin ? `${origin} (referer)` : null),
        expected: appOrigin,
        addressedTo,
      },
      "cross-site request refused",
    );
    sendRefusal(req, res, 403, "Request refused", CROSS_SITE_MESSAGE);
  };
}

/** The API's routes never see a Cookie header: whatever a browser sends along, only the bearer key authorizes. */
export function apiIgnoresCookies(): RequestHandler {
  return function apiWithoutCookies(req, res, next) {
    if (req.path.startsWith(API_PATH_PREFIX)) {
      delete req.headers.cookie;
      // The session the rate limiter read for its bucket is not handed on to the route either.
      res.locals.sessionUser = undefined;
    }
    next();
  };
}

export const MISDIRECTED_MESSAGE =
  "This request was addressed to another site, so it was refused. Use the site's own address.";

/**
 * Production: requests must be addressed to APP_URL's host (the Host header, or X-Forwarded-Host from a trusted proxy,
 * as Express reads it into req.hostname). Anything else is refused with 421, so nothing we build from a request can point
 * elsewhere. `exemptPaths` (health checks, which load balancers send to an address) are answered whatever the Host.
 */
export function hostCheckMiddleware(options: { appUrl: string; exemptPaths: string[] }): RequestHandler {
  const expected = new URL(options.appUrl).hostname.toLowerCase();
  const exempt = new Set(options.exemptPaths.map(normalizePath));
  return function hostCheck(req: Request, res: Response, next: NextFunction) {
    const hostname = (req.hostname ?? "").toLowerCase().replace(/\.$/, "");
    if (hostname === expected || exempt.has(normalizePath(req.path))) return next();
    logger.warn(
      { method: req.method, path: req.path, host: req.get("host"), expected },
      "request for another host refused",
    );
    sendRefusal(req, res, 421, "Wrong address", MISDIRECTED_MESSAGE);
  };
}

declare global {
  namespace Express {
    interface Locals {
      /** This response's CSP nonce: every inline <script> must carry it. */
      cspNonce?: string;
    }
  }
}

function newNonce() {
  return randomBytes(16).toString("base64");
}

/** Gives each response a fresh nonce on `res.locals.cspNonce`, for the CSP header and for Remix' inline scripts. */
export function cspNonceMiddleware(): RequestHandler {
  return function cspNonce(_req, res, next) {
    res.locals.cspNonce = newNonce();
    next();
  };
}

function nonceSource(_req: IncomingMessage, res: ServerResponse) {
  // Mounted without cspNonceMiddleware, we still never emit a missing or shared nonce.
  const locals = (res as unknown as Response).locals;
  locals.cspNonce ??= newNonce();
  return `'nonce-${locals.cspNonce}'`;
}

/**
 * helmet (all its usual headers) with a strict Content-Security-Policy built from the request's nonce: scripts only from
 * us or inline with the nonce; no inline <style> (only style attributes, which React's `style={{ … }}` renders).
 * `extraFormActions`: origins a form may lead to (Stripe Checkout: Chrome applies form-action to a POST's redirect).
 * `extraConnectSources`: origins fetch/WebSocket may reach besides ours.
 * `upgradeInsecureRequests`: defaults to production only (development runs on plain http://localhost).
 */
export function helmetWithCsp(
  options: { extraFormActions?: string[]; extraConnectSources?: string[]; upgradeInsecureRequests?: boolean } = {},
): RequestHandler {
  const upgrade = options.upgradeInsecureRequests ?? process.env.NODE_ENV === "production";
  return helmet({
    // Not helmet's "no-referrer": with it a browser sends `Origin: null` on a plain (not yet hydrated, or script-less)
    // form POST, which the Origin check must refuse. "same-origin" still tells other sites nothing.
    referrerPolicy: { policy: "same-origin" },
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        "default-src": ["'self'"],
        "script-src": ["'self'", nonceSource],
        "script-src-attr": ["'none'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'", "ws:", "wss:", ...(options.extraConnectSources ?? [])],
        "frame-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", ...(options.extraFormActions ?? [])],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        ...(upgrade ? { "upgrade-insecure-requests": [] } : {}),
      },
    },
  }) as unknown as RequestHandler;
}
