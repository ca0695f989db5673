import { redirect } from "@remix-run/node";
import { getDocumentForOwner } from "../models/documents.server";
import { getDb } from "./db.server";
import { requireUser } from "./session-cookie.server";
import { invariantResponse } from "./invariant";

/**
 * The signed-in customer's order for a wizard step: 404 for anything not theirs; an order past the draft stage is
 * sent where it belongs (payment, or its document page).
 */
export async function requireDraftOrder(request: Request, documentId: string | undefined) {
  const user = await requireUser(request);
  const document = await getDocumentForOwner(getDb(), documentId ?? "", user.id);
  invariantResponse(document, "Not found", { status: 404 });
  if (document.status === "awaiting_payment") throw redirect(`/orders/${document.id}/review`);
  if (document.status !== "draft") throw redirect(`/documents/${document.id}`);
  return { user, document };
}
