// What /api/docs shows, read from the OpenAPI document (app/utils/openapi.server.ts): each operation's parameters,
// body fields, answers and an example curl; each object's fields. Nothing here describes the API a second time.
import type { OpenApiDocument } from "./openapi.server";

type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  description?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  default?: unknown;
  example?: unknown;
  anyOf?: JsonSchema[];
  additionalProperties?: JsonSchema | boolean;
};

export type ReferenceField = { name: string; type: string; required: boolean; description: string };
export type ReferenceOperation = {
  id: string;
  method: string;
  path: string;
  summary: string;
  description: string;
  scope: string | null;
  parameters: (ReferenceField & { in: string })[];
  body: { contentType: string; type: string; fields: ReferenceField[] } | null;
  responses: { status: string; description: string; type: string }[];
  curl: string;
};
export type ReferenceObject = { name: string; fields: ReferenceField[] };

const refName = (ref: string) => ref.split("/").at(-1)!;

/** A schema's type as a reader writes it: `string | null`, `Order[]`, `"docx" | "pdf"`. */
function typeOf(schema: JsonSchema | undefined): string {
  if (!schema) return "";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  return types
    .map((type) => {
      if (type === "array") return `${typeOf(schema.items)}[]`;
      if (type === "object" && schema.additionalProperties && typeof schema.additionalProperties === "object")
        return `{ [name]: ${typeOf(schema.additionalProperties)} }`;
      return schema.format && type === "string" ? `string (${schema.format})` : type;
    })
    .join(" | ");
}

/** Its rules in a few words: "5–200, default false". */
function rulesOf(schema: JsonSchema): string {
  const rules: string[] = [];
  if (schema.minimum !== undefined || schema.maximum !== undefined)
    rules.push(`${schema.minimum ?? ""}–${schema.maximum ?? ""}`);
  if (schema.minLength !== undefined || schema.maxLength !== undefined)
    rules.push(`${schema.minLength ?? 0}–${schema.maxLength ?? "∞"} characters`);
  if (schema.default !== undefined) rules.push(`default ${JSON.stringify(schema.default)}`);
  return rules.join(", ");
}

/** An object's fields; those of an object inside it follow it, named with a dot (`price.amountCents`). */
function fieldsOf(schema: JsonSchema | undefined, prefix = ""): ReferenceField[] {
  return Object.entries(schema?.properties ?? {}).flatMap(([name, field]) => [
    {
      name: prefix + name,
      type: typeOf(field),
      required: schema?.required?.includes(name) ?? false,
      description: [field.description, rulesOf(field)].filter(Boolean).join(" "),
    },
    ...fieldsOf(field.properties ? field : undefined, `${prefix}${name}.`),
  ]);
}

function curlOf(
  base: string,
  method: string,
  path: string,
  body: { contentType: string; example?: unknown } | null,
): string {
  const lines = [
    `curl -X ${method.toUpperCase()} '${base}${path.replace(/\{id\}/, "$ORDER_ID").replace(/\{format\}/, "pdf")}'`,
  ];
  lines.push(`  -H 'Authorization: Bearer tsg_…'`);
  if (method === "post") lines.push(`  -H "Idempotency-Key: $(uuidgen)"`);
  if (body?.contentType === "application/json") {
    lines.push(`  -H 'Content-Type: application/json'`);
    lines.push(`  -d '${JSON.stringify(body.example ?? {})}'`);
  } else if (body?.contentType === "multipart/form-data") lines.push(`  -F 'file=@requirements.pdf'`);
  return lines.join(" \\\n");
}

/** The reference's operations, in the document's order, and its objects. */
export function apiReference(document: OpenApiDocument): {
  base: string;
  operations: ReferenceOperation[];
  objects: ReferenceObject[];
} {
  const base = document.servers?.[0]?.url ?? "/api/v1";
  const schemas = (document.components?.schemas ?? {}) as Record<string, JsonSchema>;
  const operations: ReferenceOperation[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const [method, operation] of Object.entries(item as Record<string, any>)) {
      const content = Object.entries(operation.requestBody?.content ?? {})[0] as
        [string, { schema: JsonSchema }] | undefined;
      const bodySchema = content?.[1].schema.$ref ? schemas[refName(content[1].schema.$ref)] : content?.[1].schema;
      const body = content
        ? { contentType: content[0], type: typeOf(content[1].schema), fields: fieldsOf(bodySchema) }
        : null;
      operations.push({
        id: operation.operationId,
        method: method.toUpperCase(),
        path,
        summary: operation.summary ?? "",
        description: (operation.description ?? "").replace(/\n\nScope: `[^`]+`\.$/, ""),
        scope: operation.security?.[0] ? ((Object.values(operation.security[0])[0] as string[])[0] ?? null) : null,
        parameters: (operation.parameters ?? []).map((p: any) => ({
          name: p.name,
          in: p.in,
          type: typeOf(p.schema),
          required: Boolean(p.required),
          description: [p.description ?? p.schema?.description, rulesOf(p.schema ?? {})].filter(Boolean).join(" "),
        })),
        body,
        responses: Object.entries(operation.responses ?? {}).map(([status, response]: [string, any]) => ({
          status,
          description: response.description,
          type: typeOf((Object.values(response.content ?? {})[0] as { schema?: JsonSchema } | undefined)?.schema),
        })),
        curl: curlOf(base, method, path, body && { contentType: body.contentType, example: bodySchema?.example }),
      });
    }
  }
  const objects = Object.entries(schemas).map(([name, schema]) => ({ name, fields: fieldsOf(schema) }));
  return { base, operations, objects };
}
