// HTTP requests and their latency, labelled by the Remix route that answered them: a URL's ids (and a scanner's made-up
// paths) never become labels, so the number of series stays that of the routes.
import { matchRoutes } from "@remix-run/react";
import type { ServerBuild } from "@remix-run/node";
import type { RequestHandler } from "express";
import { recordHttpRequest } from "./metrics.server";

/** The route label of requests answered before routing: static files, and requests refused with 403, 413 or 429. */
export const NOT_ROUTED = "(not routed)";

const KNOWN_PATHS = 2_000;

const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

type RouteNode = { id: string; path?: string; index?: boolean; caseSensitive?: boolean; children: RouteNode[] };
type RouteObject = Parameters<typeof matchRoutes>[0][number];

/** Times every request from its arrival and counts it when its answer is sent. Mount it first. */
export function httpMetricsMiddleware(): RequestHandler {
  return function countRequest(req, res, next) {
    const started = process.hrtime.bigint();
    res.once("finish", () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const method = METHODS.has(req.method) ? req.method : "OTHER";
      recordHttpRequest(method, (res.locals.metricsRoute as string | undefined) ?? NOT_ROUTED, res.statusCode, seconds);
    });
    next();
  };
}

/** Names the Remix route a request goes to (mount it just before Remix's handler): unknown URLs are the splat route. */
export function routeLabelMiddleware(build: Pick<ServerBuild, "routes">): RequestHandler {
  const routeIdOf = remixRouteMatcher(build);
  return function labelRoute(req, res, next) {
    res.locals.metricsRoute = routeIdOf(req.path);
    next();
  };
}

/** path → the id of the deepest Remix route that serves it ("routes/documents.$id"), or "root" when none does. */
export function remixRouteMatcher(build: Pick<ServerBuild, "routes">): (path: string) => string {
  const nodes = new Map<string, RouteNode>();
  for (const route of Object.values(build.routes)) {
    nodes.set(route.id, {
      id: route.id,
      path: route.path,
      index: route.index,
      caseSensitive: route.caseSensitive,
      children: [],
    });
  }
  const roots: RouteNode[] = [];
  for (const route of Object.values(build.routes)) {
    const node = nodes.get(route.id)!;
    const parent = route.parentId ? nodes.get(route.parentId) : undefined;
    (parent ? parent.children : roots).push(node);
  }
  // matchRoutes ranks every route on each call: the paths customers reload (their documents' pages) are answered from a
  // small cache, emptied when full so a scanner's made-up paths cannot grow it.
  const known = new Map<string, string>();
  return (path) => {
    const cached = known.get(path);
    if (cached) return cached;
    // Single-fetch data requests name the page they load: /documents/1.data is /documents/1, /_root.data is /.
    const page = path.endsWith(".data") ? path.slice(0, -".data".length).replace(/^\/_root$/, "/") : path;
    // Remix's index routes have no children, which is all the router's stricter type asks.
    const matches = matchRoutes(roots as RouteObject[], page || "/");
    const id = matches?.[matches.length - 1]?.route.id ?? "root";
    if (known.size >= KNOWN_PATHS) known.clear();
    known.set(path, id);
    return id;
  };
}
