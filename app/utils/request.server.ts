/** What server.ts hands every loader and action besides the request. */
export type AppLoadContext = { ip: string | null; requestId: string; cspNonce?: string };

/** Client address and agent as stored with consents and sessions. */
export function requestOrigin(request: Request, context?: Partial<AppLoadContext>): { ip: string | null; userAgent: string | null } {
  return { ip: context?.ip ?? null, userAgent: request.headers.get("user-agent") };
}

export function safeRedirectPath(value: FormDataEntryValue | string | null | undefined, fallback = "/documents"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//")) return fallback;
  return value;
}

/** The submitted form, or a 400 a person can read when the body is not a form. */
export async function readFormData(request: Request): Promise<FormData> {
  try {
    return await request.formData();
  } catch {
    throw Response.json({ error: "The request must be a submitted form (form data)." }, { status: 400 });
  }
}
