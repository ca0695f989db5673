// The public API's answers (issue 22): JSON in and out, errors as { error: { code, message } } with a message a
// developer understands, and the caller named by an API key with the scope the endpoint needs.
import type { z } from "zod";
import type { ApiScope } from "../../db/schema";
import { translatorFor } from "../i18n/i18n.server";
import { translateMessage } from "../i18n/messages";
import { authenticateApiKey, type ApiCaller } from "../models/api-keys.server";
import type { ApiErrorBody } from "./api-schemas";
import { getDb } from "./db.server";

const REFUSALS = {
  missing_key: "Send your API key as `Authorization: Bearer tsg_…` (create one on /account/api-keys).",
  invalid_key: "This API key is not one of ours: check that it was copied whole.",
  revoked_key: "This API key was revoked: create a new one on /account/api-keys.",
  account_disabled: "The account this API key belongs to is disabled or deleted.",
} as const;

/** A JSON error answer; thrown from loaders and actions as it is. */
export function apiError(status: number, code: string, message: string, headers: HeadersInit = {}): Response {
  return Response.json({ error: { code, message } } satisfies ApiErrorBody, {
    status,
    headers: { "Cache-Control": "no-store", ...Object.fromEntries(new Headers(headers)) },
  });
}

/** The caller of an API request, holding `scope`; otherwise throws the 401 or 403 answer that says why. */
export async function requireApiCaller(request: Request, scope: ApiScope): Promise<ApiCaller> {
  const caller = await authenticateApiKey(getDb(), request.headers.get("Authorization"));
  if ("code" in caller) throw apiError(401, caller.code, REFUSALS[caller.code], { "WWW-Authenticate": "Bearer" });
  if (!caller.scopes.includes(scope))
    throw apiError(403, "insufficient_scope", `This API key lacks the "${scope}" scope this request needs.`);
  return caller;
}

/** A successful JSON answer, never cached by anyone in between. */
export function apiJson(data: unknown, init: { status?: number; headers?: HeadersInit } = {}): Response {
  return Response.json(data, {
    status: init.status ?? 200,
    headers: { "Cache-Control": "no-store", ...Object.fromEntries(new Headers(init.headers)) },
  });
}

/** An API request's JSON body, unvalidated; throws 415 for another content type and 400 for text that is not JSON. */
export async function readJsonBody(request: Request): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type))
    throw apiError(415, "unsupported_media_type", "Send the body as JSON, with `Content-Type: application/json`.");
  const text = await request.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw apiError(400, "invalid_json", "The body is not valid JSON.");
  }
}

/** The body checked by `schema`; otherwise throws a 400 naming each field that is wrong and why, in English. */
export async function parseApiBody<T extends z.ZodType>(schema: T, body: unknown): Promise<z.output<T>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const t = await translatorFor("en");
  // A Map: a field named "__proto__" (JSON may hold one) is a name like any other, not the object's prototype.
  const byField = new Map<string, string[]>();
  for (const issue of parsed.error.issues) {
    const name = issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "body");
    const text =
      issue.code === "unrecognized_keys" ? "is not a field of this request" : translateMessage(t, issue.message);
    byField.set(name, [...(byField.get(name) ?? []), text]);
  }
  const fields: Record<string, string[]> = Object.fromEntries(byField);
  const message = [...byField]
    .map(([name, texts]) => `${name}: ${texts.map((text) => text.replace(/\.$/, "")).join("; ")}.`)
    .join(" ");
  throw Response.json(
    {
      error: { code: "invalid_body", message: `The body is not a valid request. ${message}`, fields },
    } satisfies ApiErrorBody,
    { status: 400, headers: { "Cache-Control": "no-store" } },
  );
}

/** 405 for a method the endpoint does not take, naming those it does. */
export function methodNotAllowed(request: Request, allowed: string): Response {
  const message = `${request.method} is not an operation of this endpoint (it takes ${allowed}): see /api/docs.`;
  return apiError(405, "method_not_allowed", message, { Allow: allowed });
}

/** requireApiCaller for an endpoint that changes something: any method but POST is a 405 (Remix hands it the action). */
export async function requireApiPoster(request: Request, scope: ApiScope, allowed = "POST"): Promise<ApiCaller> {
  if (request.method !== "POST") throw methodNotAllowed(request, allowed);
  return requireApiCaller(request, scope);
}
