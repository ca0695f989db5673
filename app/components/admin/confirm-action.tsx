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
      <Field id={`${idPrefix}-reason`} label={t("shared.reason")} errors={errors?.reason}>
        <textarea
          id={`${idPrefix}-reason`}
          name="reason"
          rows={2}
          required
          minLength={5}
          maxLength={500}
          className={inputClass}
          aria-invalid={errors?.reason?.length ? true : undefined}
        />
      </Field>
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
