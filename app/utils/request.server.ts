import { getEnv } from "./env.server";

/** What server.ts hands every loader and action besides the request. */
export type AppLoadContext = { ip: string | null; requestId: string; cspNonce?: string };

/** Client address and agent as stored with consents and sessions. */
export function requestOrigin(request: Request, context?: Partial<AppLoadContext>): { ip: string | null; userAgent: string | null } {
  return { ip: context?.ip ?? null, userAgent: request.headers.get("user-agent") };
}

/**
 * A `redirectTo` made safe: resolved against APP_URL as a browser would (backslashes, tabs and dot segments
 * included), kept only when it stays on our origin, and returned as a path that cannot be read as another host.
 */
export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/documents"): string {
  if (typeof value !== "string" || value === "" || value.length > 2000) return fallback;
  const base = new URL(getEnv().APP_URL);
  let target: URL;
  try {
    target = new URL(value, base);
  } catch {
    return fallback;
  }
  if (target.origin !== base.origin) return fallback;
  const path = `${target.pathname}${target.search}${target.hash}`;
  // "/.//evil.example" resolves to the path "//evil.example", which a Location header would send to evil.example.
  if (!path.startsWith("/") || path.startsWith("//")) return fallback;
  return path;
}

/** The submitted form, or a 400 a person can read when the body is not a form. */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw Response.json({ error: "The request must be a submitted form (form data)." }, { status: 400 });
  }
}
