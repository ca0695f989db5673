// The forms of an order's admin page. Each posts an `intent` to the page's action (adminOrderActionSchema); the answer
// (ActionOutcome) is shown beside the form that was sent.
import { Form, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ConfirmActionFields } from "~/components/admin/confirm-action";
import { Button } from "~/components/ui/button";
import { Field, FieldErrors, inputClass } from "~/components/ui/field";

/** What the action answered: done (`ok`), refused (`message`), or the fields' mistakes (`errors`). */
export type ActionOutcome = {
  intent: string;
  /** Which payment's or section's form, where the page has several of the kind. */
  target?: string;
  ok?: string;
  message?: string;
  errors?: Record<string, string[]>;
};

export function Outcome({ outcome }: { outcome?: ActionOutcome }) {
  if (!outcome) return null;
  if (outcome.ok)
    return (
      <p role="status" className="rounded-md bg-emerald-50 p-2 text-sm text-emerald-800">
        {outcome.ok}
      </p>
    );
  if (outcome.message)
    return (
      <p role="alert" className="rounded-md bg-red-50 p-2 text-sm text-red-800">
        {outcome.message}
      </p>
    );
  return null;
}

const mine = (outcome: ActionOutcome | undefined, intent: string, target?: string) =>
  outcome && outcome.intent === intent && (target === undefined || outcome.target === target) ? outcome : undefined;

function useBusy(intent: string) {
  const navigation = useNavigation();
  return navigation.state === "submitting" && navigation.formData?.get("intent") === intent;
}

export function RetryForm({
  outcome,
  refunded,
  explanation,
}: {
  outcome?: ActionOutcome;
  /** The money already given back, formatted, when there is any: retrying then writes the order for free. */
  refunded: string | null;
  explanation: string;
}) {
  const busy = useBusy("retry");
  const own = mine(outcome, "retry");
  const { t } = useTranslation("admin");
  return (
    <Form method="post" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="font-semibold">{t("order.forms.retryTitle")}</h3>
      <p className="text-sm text-slate-600">{explanation}</p>
      {refunded ? (
        <label className="flex items-start gap-2 text-sm">
          <input type="checkbox" name="acknowledgeRefund" className="mt-1" />
          <span>{t("order.forms.acknowledge", { amount: refunded })}</span>
        </label>
      ) : null}
      <input type="hidden" name="intent" value="retry" />
      <Button type="submit" disabled={busy}>
        {t("order.forms.retry")}
      </Button>
      <Outcome outcome={own} />
    </Form>
  );
}

export function RefundForm({
  outcome,
  paymentId,
  requestId,
  left,
  label,
}: {
  outcome?: ActionOutcome;
  paymentId: string;
  /** One per rendering of the form: submitting the same form twice refunds once. */
  requestId: string;
  /** What is left to refund, in the currency's units ("25.00"). */
  left: string;
  label: string;
}) {
  const busy = useBusy("refund");
  const own = mine(outcome, "refund", paymentId);
  const errors = own?.errors;
  const prefix = `refund-${paymentId}`;
  const { t } = useTranslation("admin");
  return (
    <Form method="post" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="font-semibold">{t("order.forms.refundTitle", { label })}</h3>
      <input type="hidden" name="intent" value="refund" />
      <input type="hidden" name="paymentId" value={paymentId} />
      <input type="hidden" name="requestId" value={requestId} />
      <Field
        id={`${prefix}-amount`}
        label={t("order.forms.refundAmount")}
        hint={t("order.forms.refundHint", { left })}
        errors={errors?.amount}
      >
        <input
          id={`${prefix}-amount`}
          name="amount"
          inputMode="decimal"
          defaultValue={left}
          required
          className={inputClass}
          aria-invalid={errors?.amount?.length ? true : undefined}
        />
      </Field>
      <ConfirmActionFields phrase="REFUND" idPrefix={prefix} errors={errors} />
      <FieldErrors id={`${prefix}-error`} errors={errors?.paymentId ?? errors?.requestId} />
      <Button type="submit" variant="danger" disabled={busy}>
        {t("order.forms.refund")}
      </Button>
      {/* Mistakes in the fields are shown beside them. */}
      <Outcome outcome={errors ? undefined : own} />
    </Form>
  );
}

export function ResendEmailForm({ outcome }: { outcome?: ActionOutcome }) {
  const busy = useBusy("resend-email");
  const { t } = useTranslation("admin");
  return (
    <Form method="post" className="space-y-2 rounded-lg border border-slate-200 bg-white p-4">
      <h3 className="font-semibold">{t("order.forms.emailTitle")}</h3>
      <p className="text-sm text-slate-600">{t("order.forms.emailNote")}</p>
      <input type="hidden" name="intent" value="resend-email" />
      <Button type="submit" variant="secondary" disabled={busy}>
        {t("order.forms.resend")}
      </Button>
      <Outcome outcome={mine(outcome, "resend-email")} />
    </Form>
  );
}

export function RegenerateButton({
  outcome,
  sectionId,
  index,
}: {
  outcome?: ActionOutcome;
  sectionId: string;
  index: number;
}) {
  const { t } = useTranslation("admin");
  return (
    <Form method="post" className="space-y-1">
      <input type="hidden" name="intent" value="regenerate" />
      <input type="hidden" name="sectionId" value={sectionId} />
      <Button
        type="submit"
        variant="secondary"
        className="px-2 py-1 text-xs"
        aria-label={t("order.forms.rewriteLabel", { number: index + 1 })}
      >
        {t("order.forms.rewrite")}
      </Button>
      <Outcome outcome={mine(outcome, "regenerate", sectionId)} />
    </Form>
  );
}
