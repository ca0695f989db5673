import { hasControlCharacter, stripControlCharacters } from "./control-characters";

/** What server.ts hands every loader and action besides the request. */
export type AppLoadContext = { ip: string | null; requestId: string; cspNonce?: string };

/** Client address and agent as stored with consents and sessions. */
export function requestOrigin(request: Request, context?: Partial<AppLoadContext>): { ip: string | null; userAgent: string | null } {
  return { ip: context?.ip ?? null, userAgent: request.headers.get("user-agent") };
}

export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/documents"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return fallback;
  // A control character cannot go into a Location header.
  if (hasControlCharacter(value)) return fallback;
  return value;
}

/** A form's zod schema (z.object): the fields it names check their own text and show their errors beside them. */
type FormSchema = { shape: Record<string, unknown> };

/**
 * The submitted form, or a 400 a person can read when the body is not a form, or when a field that no schema of
 * `checkedBy` names (a hidden field, a button) holds a control character: such a form is refused whole.
 */
export async function readFormData(request: Request, checkedBy: FormSchema | FormSchema[] = []): Promise<FormData> {
  let formData: FormData;
  try {
    formData = await request.formData();
  } catch {
    throw Response.json({ error: "The request must be a submitted form (form data)." }, { status: 400 });
  }
  refuseControlCharacters(formData, checkedBy);
  return formData;
}

/** Throws a 400 when a field outside the schemas (or a field's name) holds a control character; files are not text. */
export function refuseControlCharacters(formData: FormData, checkedBy: FormSchema | FormSchema[] = []): void {
  const named = new Set((Array.isArray(checkedBy) ? checkedBy : [checkedBy]).flatMap((schema) => Object.keys(schema.shape)));
  for (const [name, value] of formData) {
    const textToCheck = named.has(name) || typeof value !== "string" ? name : name + value;
    if (!hasControlCharacter(textToCheck)) continue;
    const field = stripControlCharacters(name).slice(0, 40) || "unnamed";
    throw Response.json(
      { error: `The form's field "${field}" holds an invisible control character, so nothing was saved. Reload the page and try again.` },
      { status: 400 },
    );
  }
}
