import { getLocale, translatorFor } from "../i18n/i18n.server";
import { getEnv } from "./env.server";
import { hasControlCharacter, stripControlCharacters } from "./control-characters";

/** What server.ts hands every loader and action besides the request. */
export type AppLoadContext = { ip: string | null; requestId: string; cspNonce?: string };

/** Client address and agent as stored with consents and sessions. */
export function requestOrigin(
  request: Request,
  context?: Partial<AppLoadContext>,
): { ip: string | null; userAgent: string | null } {
  return { ip: context?.ip ?? null, userAgent: request.headers.get("user-agent") };
}

/**
 * A `redirectTo` made safe: resolved against APP_URL as a browser would (backslashes, tabs and dot segments
 * included), kept only when it stays on our origin, and returned as a path that cannot be read as another host.
 */
export function safeRedirectPath(
  value: FormDataEntryValue | string | null | undefined,
  fallback = "/documents",
): string {
  if (typeof value !== "string" || value === "" || value.length > 2000 || hasControlCharacter(value)) return fallback;
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
    const t = await translatorFor(await getLocale(request));
    throw Response.json({ error: t("validation:form.notForm") }, { status: 400 });
  }
  await refuseControlCharacters(request, formData, checkedBy);
  return formData;
}

/** Throws a 400 when a field outside the schemas (or a field's name) holds a control character; files are not text. */
export async function refuseControlCharacters(
  request: Request,
  formData: FormData,
  checkedBy: FormSchema | FormSchema[] = [],
): Promise<void> {
  const named = new Set(
    (Array.isArray(checkedBy) ? checkedBy : [checkedBy]).flatMap((schema) => Object.keys(schema.shape)),
  );
  for (const [name, value] of formData) {
    const textToCheck = named.has(name) || typeof value !== "string" ? name : name + value;
    if (!hasControlCharacter(textToCheck)) continue;
    const t = await translatorFor(await getLocale(request));
    const field = stripControlCharacters(name).slice(0, 40) || t("validation:form.unnamedField");
    throw Response.json({ error: t("validation:form.controlCharacterField", { field }) }, { status: 400 });
  }
}
