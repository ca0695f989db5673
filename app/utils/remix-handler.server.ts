import {
  createRequestHandler as createRemixRequestHandler,
  type AppLoadContext,
  type ServerBuild,
} from "@remix-run/node";
// Not in the package's index, but public in its types: the header copy and the response writer are used unchanged.
import { createRemixHeaders, sendRemixResponse } from "@remix-run/express/dist/server.js";
import type { NextFunction, Request, Response } from "express";
import { bodyLimitFor, cappedBody, refuseLargeBody } from "./request-body.server";
import { rememberRequestUser } from "./session-cookie.server";

/**
 * @remix-run/express's request handler with one change: the body Remix reads is capped (request-body.server.ts), so no
 * action (request.formData(), request.text(), a multipart parser) can take in more than its route's limit.
 */
export function createRequestHandler(options: {
  build: ServerBuild;
  mode?: string;
  getLoadContext: (req: Request, res: Response) => AppLoadContext;
}) {
  const handleRequest = createRemixRequestHandler(options.build, options.mode);
  return async function remixRequest(req: Request, res: Response, next: NextFunction) {
    try {
      const limit = bodyLimitFor(req);
      const body = req.method === "GET" || req.method === "HEAD" ? null : cappedBody(req, limit);
      const request = webRequest(req, res, body?.stream ?? null);
      if (res.locals.sessionUser !== undefined) rememberRequestUser(request, res.locals.sessionUser);
      let response = await handleRequest(request, options.getLoadContext(req, res));
      if (body?.exceeded()) {
        // Whatever the action made of a cut body (a 400, an error page), the answer is that it was too large.
        await response.body?.cancel().catch(() => {});
        return refuseLargeBody(req, res, limit);
      }
      if (res.locals.keepRenderedPage) response = await keepRenderedPage(response, res.locals.keepRenderedPage);
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}

/** Hands a rendered page to the page cache (app/utils/page-cache.server.ts) and returns it to be sent as usual. */
async function keepRenderedPage(
  response: globalThis.Response,
  keep: (html: string, headers: Headers) => Promise<Record<string, string>>,
) {
  const isPage = response.status === 200 && response.headers.get("content-type")?.startsWith("text/html");
  // A page that sets a cookie answers this one request, not every reader of it.
  if (!isPage || response.headers.has("set-cookie") || !response.body) return response;
  const html = await response.text();
  const headers = new Headers(response.headers);
  for (const [name, value] of Object.entries(await keep(html, response.headers))) headers.set(name, value);
  return new Response(html, { status: response.status, statusText: response.statusText, headers });
}

/** The web Request as @remix-run/express builds it (host and port as the proxy settings allow), with `body` as its body. */
function webRequest(req: Request, res: Response, body: ReadableStream<Uint8Array> | null): globalThis.Request {
  const forwardedPort = Number.parseInt(req.get("X-Forwarded-Host")?.split(":")[1] ?? "", 10);
  const hostPort = Number.parseInt(req.get("host")?.split(":")[1] ?? "", 10);
  const port = Number.isSafeInteger(forwardedPort) ? forwardedPort : Number.isSafeInteger(hostPort) ? hostPort : null;
  const url = new URL(`${req.protocol}://${req.hostname}${port ? `:${port}` : ""}${req.originalUrl}`);
  // Loaders and actions are aborted when the client goes away before the response is complete.
  let controller: AbortController | null = new AbortController();
  const signal = controller.signal;
  res.on("finish", () => (controller = null));
  res.on("close", () => controller?.abort());
  const init: RequestInit & { duplex?: "half" } = {
    method: req.method,
    headers: createRemixHeaders(req.headers),
    signal,
  };
  if (body) {
    init.body = body;
    init.duplex = "half";
  }
  return new Request(url.href, init);
}
