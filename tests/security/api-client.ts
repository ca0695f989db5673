// An API client for the attack suite (issue 22): calls /api/v1 with a bearer key, and checks every answer against the
// OpenAPI document the app serves — the status must be documented for the operation, the body must match the
// documented schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses) and the documented headers must be there.
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { createApiKey } from "../../app/models/api-keys.server";
import type { ApiScope } from "../../db/schema";
import type { App } from "./app";

/** Limits no test of the API reaches (the limits themselves: api-limits.test.ts). */
export const UNLIMITED = {
  RATE_LIMIT_PER_MINUTE: "100000",
  API_RATE_LIMIT_PER_MINUTE: "100000",
  API_ACCOUNT_RATE_LIMIT_PER_MINUTE: "100000",
};

type OpenApi = { paths: Record<string, Record<string, { responses: Record<string, any> }>> };
export type ApiAnswer = { status: number; headers: Headers; body: any; operation: string };

export class ApiChecker {
  private readonly ajv = new Ajv2020({ strict: false, validateSchema: false, allErrors: true });
  /** "post /orders 201": every operation and status checked against the document so far. */
  readonly checked = new Set<string>();

  constructor(readonly document: OpenApi) {
    addFormats.default(this.ajv);
    this.ajv.addSchema(document as object, "openapi");
  }

  static async load(app: App): Promise<ApiChecker> {
    const answer = await fetch(new URL("/api/v1/openapi.json", app.url));
    expect(answer.status).toBe(200);
    return new ApiChecker((await answer.json()) as OpenApi);
  }

  /** The documented path (`/orders/{id}`) a concrete one (`/orders/5f…`) is an instance of. */
  templateOf(path: string): string {
    const exact = this.document.paths[path] ? path : undefined;
    const template = Object.keys(this.document.paths).find((t) =>
      new RegExp(`^${t.replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
    );
    const found = exact ?? template;
    if (!found) throw new Error(`${path} is not a documented path`);
    return found;
  }

  /** Checks an answer against the document; returns the operation's name ("post /orders"). */
  check(method: string, path: string, status: number, headers: Headers, body: unknown): string {
    const template = this.templateOf(path);
    const operation = `${method.toLowerCase()} ${template}`;
    const responses = this.document.paths[template]![method.toLowerCase()]?.responses;
    expect(responses, `${operation} is documented`).toBeDefined();
    const response = responses![String(status)];
    expect(response, `${operation} documents the status ${status} it answered`).toBeDefined();
    for (const header of Object.keys(response.headers ?? {}))
      expect(headers.has(header), `${operation} ${status} carries ${header}`).toBe(true);
    const schema = response.content?.["application/json"]?.schema;
    if (schema) {
      const pointer = `openapi#/paths/${template.replace(/~/g, "~0").replace(/\//g, "~1")}/${method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
      const validate = this.ajv.getSchema(pointer) ?? this.ajv.compile({ $ref: pointer });
      const valid = validate(body);
      expect(validate.errors ?? [], `${operation} ${status}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
      expect(valid).toBe(true);
    }
    this.checked.add(`${operation} ${status}`);
    return operation;
  }
}

/** A key for the user, made as the account page makes it (the full key is returned once). */
export async function keyFor(app: App, userId: string, scopes: ApiScope[] = ["orders:read", "orders:write"]) {
  return (await createApiKey(app.db, userId, { name: "Attack suite", scopes }))!.key;
}

/**
 * One API call; the answer is checked against the document. `body`: an object is sent as JSON, FormData as multipart,
 * a string as it is (with `headers` saying its type).
 */
export async function callApi(
  app: App,
  checker: ApiChecker,
  method: string,
  path: string,
  options: { key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiAnswer> {
  const headers = new Headers(options.headers);
  if (options.key) headers.set("authorization", `Bearer ${options.key}`);
  let body: BodyInit | undefined;
  if (options.body instanceof FormData || typeof options.body === "string") body = options.body;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
  }
  const response = await fetch(new URL(`/api/v1${path}`, app.url), { method, headers, body, redirect: "manual" });
  const isJson = response.headers.get("content-type")?.includes("application/json");
  const parsed = isJson ? await response.json() : Buffer.from(await response.arrayBuffer());
  const operation = checker.check(method, path.split("?")[0]!, response.status, response.headers, parsed);
  return { status: response.status, headers: response.headers, body: parsed, operation };
}

/** Asserts a JSON error answer with `code` and a message a developer can read. */
export function expectApiError(answer: ApiAnswer, status: number, code: string) {
  expect(answer.status, `${answer.operation}: ${JSON.stringify(answer.body).slice(0, 300)}`).toBe(status);
  expect(answer.body.error.code).toBe(code);
  expect(answer.body.error.message.length).toBeGreaterThan(15);
}
