import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";

const STEPS = ["topic", "details", "requirements", "review"] as const;

export type OrderStep = (typeof STEPS)[number];

/** Where the customer is in the order wizard; finished steps link back (their answers are kept). */
export function OrderSteps({ current, documentId }: { current: OrderStep; documentId?: string }) {
  const { t } = useTranslation("orders");
  const at = STEPS.indexOf(current);
  return (
    <nav aria-label={t("steps.label")} className="mb-8">
      <ol className="flex flex-wrap gap-2 text-sm">
        {STEPS.map((step, i) => {
          const label = t("steps.numbered", { number: i + 1, step: t(`steps.${step}`) });
          const className =
            i === at
              ? "rounded-full bg-brand-600 px-3 py-1 font-semibold text-white"
              : i < at
                ? "rounded-full bg-brand-100 px-3 py-1 text-brand-700 underline"
                : "rounded-full bg-slate-100 px-3 py-1 text-slate-500";
          return (
            <li key={step} aria-current={i === at ? "step" : undefined}>
              {i < at && documentId ? (
                <Link to={`/orders/${documentId}/${step}`} className={className}>
                  {label}
                </Link>
              ) : (
                <span className={className}>{label}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
