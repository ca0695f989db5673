/**
 * For loaders and actions: unless `condition` holds, answer with `message` (400 unless `init` says otherwise), e.g.
 * `invariantResponse(document, "Not found", { status: 404 })`. After the call TypeScript knows `condition` holds.
 */
export function invariantResponse(
  condition: unknown,
  message: string | (() => string),
  init?: ResponseInit,
): asserts condition {
  if (condition) return;
  throw new Response(typeof message === "function" ? message() : message, { status: 400, ...init });
}
