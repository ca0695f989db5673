import { useTranslation } from "react-i18next";
import { Field, inputClass } from "~/components/ui/field";

/**
 * The two fields every admin action that moves money or deletes data asks for: the phrase typed to confirm, and the
 * reason recorded in the audit log (schema: confirmedAction in app/utils/schemas.ts).
 */
export function ConfirmActionFields({
  phrase,
  idPrefix,
  errors,
}: {
  phrase: string;
  idPrefix: string;
  errors?: { confirmation?: string[]; reason?: string[] };
}) {
  const { t } = useTranslation("admin");
  return (
    <div className="space-y-3">
      <AuditReasonField id={`${idPrefix}-reason`} errors={errors?.reason} />
      <Field
        id={`${idPrefix}-confirmation`}
        label={t("shared.typeToConfirm", { phrase })}
        errors={errors?.confirmation}
      >
        <input
          id={`${idPrefix}-confirmation`}
          name="confirmation"
          type="text"
          autoComplete="off"
          required
          pattern={phrase}
          className={`${inputClass} font-mono`}
          aria-invalid={errors?.confirmation?.length ? true : undefined}
        />
      </Field>
    </div>
  );
}

/** Why the admin acts, recorded in the audit log (schema: auditReason in app/utils/schemas.ts). */
export function AuditReasonField({ id, errors }: { id: string; errors?: string[] }) {
  const { t } = useTranslation("admin");
  return (
    <Field id={id} label={t("shared.reason")} errors={errors}>
      <textarea
        id={id}
        name="reason"
        rows={2}
        required
        minLength={5}
        maxLength={500}
        className={inputClass}
        aria-invalid={errors?.length ? true : undefined}
      />
    </Field>
  );
}
