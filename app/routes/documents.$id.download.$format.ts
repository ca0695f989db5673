import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { getDocumentForOwner, isUuid } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { contentDisposition } from "~/utils/download.server";
import { requireUser } from "~/utils/session-cookie.server";
import { readStoredFile } from "~/utils/storage.server";
import { invariantResponse } from "~/utils/invariant";

const FORMATS = {
  docx: { column: "docx_key", type: "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
  pdf: { column: "pdf_key", type: "application/pdf" },
} as const;

/** The delivered DOCX or PDF: the owner (or an admin) only; anyone else gets 404, as for a document that does not exist. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const notFound = (await translatorFor(await getLocale(request)))("documents:errors.notFound");
  const format = FORMATS[params.format as keyof typeof FORMATS];
  invariantResponse(format, notFound, { status: 404 });
  const db = getDb();
  const document =
    user.role === "admin"
      ? isUuid(params.id ?? "")
        ? await db.selectFrom("documents").selectAll().where("id", "=", params.id!).executeTakeFirst()
        : undefined
      : await getDocumentForOwner(db, params.id ?? "", user.id);
  const key = document?.[format.column];
  invariantResponse(document && key, notFound, { status: 404 });
  const bytes = await readStoredFile(key);
  return new Response(new Uint8Array(bytes), {
    headers: {
      "Content-Type": format.type,
      "Content-Disposition": contentDisposition(document.topic, params.format!),
      "Content-Length": String(bytes.byteLength),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
