// What every admin action records besides itself: who (the admin), from where (address and browser), and why.
import type { AuditEntry } from "../models/audit-log.server";
import type { SignedInUser } from "./session-cookie.server";
import type { AppLoadContext } from "./request.server";

/** The audit entry of an admin's act: `what` says which act and on what; the actor and origin come from the request. */
export function adminAudit(
  admin: SignedInUser,
  request: Request,
  context: unknown,
  what: Omit<AuditEntry, "actorUserId" | "ip" | "userAgent">,
): AuditEntry {
  return {
    ...what,
    actorUserId: admin.id,
    ip: (context as Partial<AppLoadContext> | undefined)?.ip ?? null,
    userAgent: request.headers.get("user-agent"),
  };
}
