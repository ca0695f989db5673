import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { awaitCurrentFiles } from "~/models/document-files.server";
import { getDocumentForOwner } from "~/models/documents.server";
import { apiError, requireApiCaller, methodNotAllowed } from "~/utils/api.server";
import { getDb } from "~/utils/db.server";
import { DOWNLOAD_FORMATS, downloadFormat, fileResponse } from "~/utils/download.server";
import { readStoredFile } from "~/utils/storage.server";

/**
 * GET /api/v1/orders/{id}/files/{docx|pdf}: the delivered file (rebuilt first when the text was edited since);
 * 404 for an order that is not the caller's, 409 while there is no file yet, 503 while it is being rebuilt.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const caller = await requireApiCaller(request, "orders:read");
  const name = downloadFormat(params.format);
  if (!name) return apiError(404, "not_found", "Files are available as docx or pdf.");
  const format = DOWNLOAD_FORMATS[name];
  const db = getDb();
  const document = await getDocumentForOwner(db, params.id ?? "", caller.userId);
  if (!document) return apiError(404, "not_found", "There is no order of yours with this id.");
  let key = document[format.column];
  if (!key) return apiError(409, "not_ready", "This order has no files yet: they follow its delivery.");
  if (document.files_revision < document.text_revision) {
    const current = await awaitCurrentFiles(db, document.id, document.text_revision, { signal: request.signal });
    if (!current)
      return apiError(503, "rebuilding", "The files are being rebuilt after an edit.", { "Retry-After": "5" });
    key = current[format.column]!;
  }
  const bytes = await readStoredFile(key);
  return fileResponse(bytes, name, document.topic);
}

/** Any method but GET here is not an operation: said in JSON, with what is (not Remix's error for a missing action). */
export function action({ request }: ActionFunctionArgs) {
  return methodNotAllowed(request, "GET");
}
