import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { awaitCurrentFiles } from "~/models/document-files.server";
import { getDocumentForOwner, isUuid } from "~/models/documents.server";
import { getDb } from "~/utils/db.server";
import { DOWNLOAD_FORMATS, downloadFormat, fileResponse } from "~/utils/download.server";
import { requireUser } from "~/utils/session-cookie.server";
import { readStoredFile } from "~/utils/storage.server";
import { invariantResponse } from "~/utils/invariant";
import { simplePage } from "~/utils/security.server";

/**
 * The delivered DOCX or PDF: the owner (or an admin) only; anyone else gets 404, as for a document that does not exist.
 * Files older than the text (edited since) are rebuilt first: the download waits for them, or says to come back.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const locale = await getLocale(request);
  const t = await translatorFor(locale);
  const notFound = t("documents:errors.notFound");
  const name = downloadFormat(params.format);
  invariantResponse(name, notFound, { status: 404 });
  const format = DOWNLOAD_FORMATS[name];
  const db = getDb();
  const document =
    user.role === "admin"
      ? isUuid(params.id ?? "")
        ? await db.selectFrom("documents").selectAll().where("id", "=", params.id!).executeTakeFirst()
        : undefined
      : await getDocumentForOwner(db, params.id ?? "", user.id);
  invariantResponse(document, notFound, { status: 404 });
  let key = document[format.column];
  if (document.files_revision < document.text_revision) {
    const current = await awaitCurrentFiles(db, document.id, document.text_revision, { signal: request.signal });
    if (!current) {
      const back = t("common:error.home");
      return rebuilding({
        title: t("documents:rebuilding.title"),
        body: t("documents:rebuilding.body"),
        lang: locale,
        back,
      });
    }
    key = current[format.column];
  }
  invariantResponse(key, notFound, { status: 404 });
  const bytes = await readStoredFile(key);
  return fileResponse(bytes, name, document.topic);
}

/** 503 while the files are being rebuilt: a short page that tries again by itself (a plain refresh: no script). */
function rebuilding(page: { title: string; body: string; lang: string; back: string }): Response {
  return new Response(simplePage(page.title, page.body, { lang: page.lang, back: page.back, refreshSeconds: 5 }), {
    status: 503,
    headers: { "Content-Type": "text/html; charset=utf-8", "Retry-After": "5", "Cache-Control": "no-store" },
  });
}
