// The public API's answers (issue 22): JSON in and out, errors as { error: { code, message } } with a message a
// developer understands, and the caller named by an API key with the scope the endpoint needs.
import type { ApiScope } from "../../db/schema";
import { authenticateApiKey, type ApiCaller } from "../models/api-keys.server";
import { getDb } from "./db.server";

const REFUSALS = {
  missing_key: "Send your API key as `Authorization: Bearer tsg_…` (create one on /account/api-keys).",
  invalid_key: "This API key is not one of ours: check that it was copied whole.",
  revoked_key: "This API key was revoked: create a new one on /account/api-keys.",
  account_disabled: "The account this API key belongs to is disabled or deleted.",
} as const;

/** A JSON error answer; thrown from loaders and actions as it is. */
export function apiError(status: number, code: string, message: string, headers: HeadersInit = {}): Response {
  return Response.json(
    { error: { code, message } },
    { status, headers: { "Cache-Control": "no-store", ...Object.fromEntries(new Headers(headers)) } },
  );
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
