import { createHash } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { translatorFor } from "~/i18n/i18n.server";
import { translateMessage } from "~/i18n/messages";
import { getDocumentForOwner } from "~/models/documents.server";
import { replaceRequirementsFile } from "~/models/requirements-file.server";
import { apiError, apiJson, methodNotAllowed, requireApiPoster } from "~/utils/api.server";
import type { RequirementsUpload } from "~/utils/api-schemas";
import { getDb } from "~/utils/db.server";
import { idempotent } from "~/utils/idempotency.server";
import { readUploadForm } from "~/utils/upload-form.server";
import { UploadRefusedError } from "~/utils/uploads.server";

/**
 * POST /api/v1/orders/{id}/requirements: a PDF, DOCX or TXT (multipart field `file`) with the web's checks and storage;
 * its text is used for the order at once. Only while the order is a draft (409 after); a new file replaces the old.
 */
export async function action({ request, params }: ActionFunctionArgs) {
  const caller = await requireApiPoster(request, "orders:write");
  const db = getDb();
  const document = await getDocumentForOwner(db, params.id ?? "", caller.userId);
  if (!document) return apiError(404, "not_found", "There is no order of yours with this id.");
  if (document.status !== "draft")
    return apiError(
      409,
      "not_a_draft",
      "Requirements can be changed only while the order is a draft (before payment).",
    );
  if (!/^multipart\/form-data/i.test(request.headers.get("content-type") ?? ""))
    return apiError(415, "unsupported_media_type", "Send the file as multipart/form-data, in a field named `file`.");
  const form = await readUploadForm(request);
  const t = await translatorFor("en");
  if ("refusal" in form)
    return apiError(form.refusal.status, "upload_refused", translateMessage(t, form.refusal.message));
  const file = form.formData.get("file");
  if (!(file instanceof File) || file.size === 0 || !file.name)
    return apiError(400, "invalid_body", "Send one file (PDF, DOCX or TXT) in a multipart field named `file`.");
  const bytes = new Uint8Array(await file.arrayBuffer());
  const content = { id: document.id, name: file.name, sha256: createHash("sha256").update(bytes).digest("hex") };
  return idempotent(request, caller, content, async () => {
    try {
      const saved = await replaceRequirementsFile(
        db,
        { userId: caller.userId, documentId: document.id },
        { name: file.name, bytes },
        { confirmed: true },
      );
      const { id: _id, ...upload } = saved;
      return apiJson({ upload } satisfies RequirementsUpload, { status: 201 });
    } catch (error) {
      if (error instanceof UploadRefusedError) return apiError(400, "upload_refused", error.message);
      throw error;
    }
  });
}

/** A GET here is not an operation: said in JSON, with what is (not Remix's error for a missing loader). */
export function loader({ request }: LoaderFunctionArgs) {
  return methodNotAllowed(request, "POST");
}
