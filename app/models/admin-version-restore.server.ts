// An admin restores a version of a customer's delivered text (/admin/documents/:id/versions/:number): the restore
// (a new version by "admin") and its audit entry in one transaction, so neither exists without the other.
import { inTransaction, type DbOrTrx } from "../utils/db.server";
import { recordAudit, type AuditEntry } from "./audit-log.server";
import { restoreVersion } from "./document-versions.server";
import { ownerOfDocument } from "./version-history.server";

export type AdminRestoreResult = Awaited<ReturnType<typeof restoreVersion>>;

/**
 * Restores version `number` of the document for its owner, by admin `adminId`; `audit` (who, from where, why) is
 * recorded only when the text changed. Refused as restoreVersion refuses.
 */
export async function restoreVersionForCustomer(
  db: DbOrTrx,
  restore: { documentId: string; number: number; adminId: string; audit: Omit<AuditEntry, "action"> },
): Promise<AdminRestoreResult> {
  return inTransaction(db, async (trx) => {
    const ownerId = await ownerOfDocument(trx, restore.documentId);
    if (!ownerId) return { ok: false, reason: "not_found" };
    const result = await restoreVersion(trx, {
      documentId: restore.documentId,
      ownerId,
      number: restore.number,
      by: { author: "admin", userId: restore.adminId },
    });
    if (!result.ok || result.unchanged) return result;
    await recordAudit(trx, {
      ...restore.audit,
      action: "document.version_restored",
      targetType: "document",
      targetId: restore.documentId,
      details: { restored: restore.number, version: result.version, changedSections: result.changed },
    });
    return result;
  });
}
