import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { firstIssueMessage } from "~/i18n/issues.server";
import { saveSectionText } from "~/models/document-versions.server";
import { isUuid } from "~/models/documents.server";
import { brokenCitations } from "~/utils/citations";
import { getDb } from "~/utils/db.server";
import { readFormData } from "~/utils/request.server";
import { sectionTextSchema } from "~/utils/schemas";
import { requireUser } from "~/utils/session-cookie.server";

// The editor's save of one section of a delivered document (autosave posts here; without scripts the section's form
// does, and comes back to the page). Answers: 200 { revision, version }; 409 with the text another save made first;
// 422 naming a broken or unknown citation; 409 when the document is not editable; 404 for anyone but its owner.

const INDEX = /^\d{1,4}$/;

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireUser(request);
  const t = await translatorFor(await getLocale(request));
  const documentId = params.id ?? "";
  if (!isUuid(documentId) || !INDEX.test(params.index ?? ""))
    return Response.json({ error: t("editing:save.notFound") }, { status: 404 });
  const parsed = sectionTextSchema.safeParse(Object.fromEntries(await readFormData(request, sectionTextSchema)));
  if (!parsed.success) return Response.json({ error: await firstIssueMessage(request, parsed.error) }, { status: 400 });
  const broken = brokenCitations(parsed.data.content);
  if (broken.length) {
    const error = t("editing:save.brokenCitation", { markers: broken.join(", ") });
    return Response.json({ error, markers: broken }, { status: 422 });
  }
  const result = await saveSectionText(getDb(), {
    documentId,
    ownerId: user.id,
    index: Number(params.index),
    baseRevision: parsed.data.revision,
    content: parsed.data.content,
  });
  if (result.ok) {
    // A form posted without scripts comes back to the page it was sent from.
    if (request.headers.get("accept")?.includes("text/html"))
      throw redirect(`/documents/${documentId}/edit#section-${params.index}`, 303);
    return Response.json({ revision: result.revision, version: result.version });
  }
  switch (result.reason) {
    case "not_found":
      return Response.json({ error: t("editing:save.notFound") }, { status: 404 });
    case "not_editable":
      return Response.json({ error: t("editing:notEditable") }, { status: 409 });
    case "conflict":
      return Response.json(
        { error: t("editing:save.conflict"), conflict: { revision: result.revision, content: result.content } },
        { status: 409 },
      );
    case "unknown_citation":
      return Response.json(
        { error: t("editing:save.unknownCitation", { keys: result.keys.join(", ") }), keys: result.keys },
        { status: 422 },
      );
  }
}
