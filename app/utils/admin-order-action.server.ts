// An admin's action on an order, as the order's page runs it: the act and its audit entry in one transaction, and the
// answer the page shows (done, or refused with why). Files replaced by a rewrite are deleted once that has committed.
import { AdminActionRefused } from "../models/admin-action-refused.server";
import {
  refundByAdmin,
  regenerateSection,
  resendDeliveryEmail,
  retryOrder,
} from "../models/admin-order-actions.server";
import { getLocale, translatorFor } from "../i18n/i18n.server";
import { recordAudit } from "../models/audit-log.server";
import { isUuid } from "../models/documents.server";
import { adminAudit } from "./admin-actions.server";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";
import { formatMoney } from "./pricing";
import type { AdminOrderAction } from "./schemas";
import type { SignedInUser } from "./session-cookie.server";
import { deleteStoredFile } from "./storage.server";

type Origin = { admin: SignedInUser; request: Request; context: unknown };
export type ActionAnswer = { status: 200 | 400 | 404 | 409; body: { ok?: string; message?: string } };

export async function performOrderAction(
  documentId: string,
  act: AdminOrderAction,
  origin: Origin,
): Promise<ActionAnswer> {
  const locale = await getLocale(origin.request);
  const t = await translatorFor(locale);
  if (!isUuid(documentId)) return { status: 404, body: { message: t("admin:order.done.notFound") } };
  const audit = (what: Parameters<typeof adminAudit>[3]) =>
    adminAudit(origin.admin, origin.request, origin.context, what);
  const target = { targetType: "document", targetId: documentId } as const;
  let replacedFiles: string[] = [];
  try {
    const answer = await getDb()
      .transaction()
      .execute(async (trx): Promise<ActionAnswer> => {
        switch (act.intent) {
          case "retry": {
            const retried = await retryOrder(trx, documentId, { acknowledgeRefund: act.acknowledgeRefund === "on" });
            await recordAudit(trx, audit({ action: "document.retried", ...target, details: retried }));
            return {
              status: 200,
              body: {
                ok: t("admin:order.done.retried", {
                  checkpoint: t(`admin:order.done.checkpoints.${retried.checkpoint}`),
                  jobs: retried.jobs,
                }),
              },
            };
          }
          case "regenerate": {
            const rewritten = await regenerateSection(trx, documentId, act.sectionId);
            await recordAudit(
              trx,
              audit({
                action: "section.regenerated",
                ...target,
                details: { sectionId: act.sectionId, index: rewritten.index },
              }),
            );
            replacedFiles = rewritten.replacedFiles;
            return {
              status: 200,
              body: {
                ok: t("admin:order.done.regenerated", { number: rewritten.index + 1 }),
              },
            };
          }
          case "refund": {
            const { refund, repeated } = await refundByAdmin(trx, {
              documentId,
              paymentId: act.paymentId,
              amountCents: act.amount,
              requestId: act.requestId,
            });
            const amount = formatMoney(refund.amount_cents, undefined, locale);
            if (repeated) return { status: 200, body: { ok: t("admin:order.done.refundRepeated", { amount }) } };
            await recordAudit(
              trx,
              audit({
                action: "refund.issued",
                ...target,
                reason: act.reason,
                details: { paymentId: act.paymentId, refundId: refund.id, amountCents: refund.amount_cents },
              }),
            );
            return { status: 200, body: { ok: t("admin:order.done.refundRequested", { amount }) } };
          }
          case "resend-email": {
            const email = await resendDeliveryEmail(trx, documentId, getEnv().APP_URL);
            await recordAudit(trx, audit({ action: "document.delivery_email_resent", ...target, details: { email } }));
            return { status: 200, body: { ok: t("admin:order.done.emailSent", { email }) } };
          }
        }
      });
    // Deleted once the rewrite has committed (its export makes new ones); a failure only leaves a file unused.
    for (const key of replacedFiles)
      await deleteStoredFile(key).catch((err: unknown) =>
        logger.warn({ err, key }, "could not delete a replaced file"),
      );
    return answer;
  } catch (error) {
    if (error instanceof AdminActionRefused)
      return { status: error.status, body: { message: error.explain(t, locale) } };
    throw error;
  }
}
