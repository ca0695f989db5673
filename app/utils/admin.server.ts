// The admin area (/admin…) exists only for admins: to anyone else every admin URL, page or action, answers the same
// 404 as an unknown address. adminGate checks it once, for every route under /admin, before Remix sees the request;
// requireAdmin gives a route its admin (and checks again, should a route ever be reached another way).
import type { NextFunction, Request, RequestHandler, Response } from "express";
import { getUserFromCookie, type SignedInUser } from "./session-cookie.server";

/** The paths of the admin area, as Remix serves them (documents and `.data` requests alike). */
export function isAdminPath(path: string): boolean {
  return /^\/admin(?:[/.]|$)/i.test(path);
}

/** Whoever is not a signed-in admin gets the unknown-URL 404 for every /admin path, whatever the method. */
export function adminGate(): RequestHandler {
  return async function gate(req: Request, _res: Response, next: NextFunction) {
    if (!isAdminPath(req.path)) return next();
    try {
      const user = await getUserFromCookie(req.get("cookie"));
      if (user?.role === "admin") return next();
    } catch (error) {
      return next(error);
    }
    // Remix answers it as any unknown URL (the splat route's 404), data requests included. The request handler reads
    // originalUrl, so both change: otherwise an admin route's own action would answer instead.
    req.url = req.path.endsWith(".data") ? "/__not-found.data" : "/__not-found";
    req.originalUrl = req.url;
    next();
  };
}

/** The signed-in admin, or the 404 every non-admin gets. */
export async function requireAdmin(request: globalThis.Request): Promise<SignedInUser> {
  const user = await getUserFromCookie(request.headers.get("Cookie"));
  if (user?.role !== "admin") throw new Response("Not found", { status: 404 });
  return user;
}
