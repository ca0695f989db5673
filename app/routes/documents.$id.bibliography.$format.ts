import type { LoaderFunctionArgs } from "@remix-run/node";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { citedSourcesOf } from "~/models/cited-sources.server";
import { getDocumentForOwner } from "~/models/documents.server";
import { DELIVERED_STATUSES } from "~/models/order-stats.server";
import { getDb } from "~/utils/db.server";
import { contentDisposition } from "~/utils/download.server";
import { invariantResponse } from "~/utils/invariant";
import { formatReferences, REFERENCE_FORMATS, referenceFormat } from "~/utils/reference-export.server";
import { requireUser } from "~/utils/session-cookie.server";

/**
 * The bibliography of a delivered document as BibTeX, RIS or CSL-JSON: the sources its text cites now (after edits
 * too). The owner only; anyone else gets 404, as for a document that does not exist.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  const notFound = t("documents:errors.notFound");
  const format = referenceFormat(params.format);
  invariantResponse(format, notFound, { status: 404 });
  const db = getDb();
  const document = await getDocumentForOwner(db, params.id ?? "", user.id);
  invariantResponse(document && (DELIVERED_STATUSES as readonly string[]).includes(document.status), notFound, {
    status: 404,
  });
  const body = formatReferences(await citedSourcesOf(db, document.id), format);
  return new Response(body, {
    headers: {
      "Content-Type": REFERENCE_FORMATS[format].type,
      "Content-Disposition": contentDisposition(document.topic, format),
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
