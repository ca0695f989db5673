import { Link } from "@remix-run/react";

const STEPS = [
  { key: "topic", label: "Topic" },
  { key: "details", label: "Details" },
  { key: "requirements", label: "Requirements" },
  { key: "review", label: "Review & pay" },
] as const;

export type OrderStep = (typeof STEPS)[number]["key"];

/** Where the customer is in the order wizard; finished steps link back (their answers are kept). */
export function OrderSteps({ current, documentId }: { current: OrderStep; documentId?: string }) {
  const at = STEPS.findIndex((s) => s.key === current);
  return (
    <nav aria-label="Order steps" className="mb-8">
      <ol className="flex flex-wrap gap-2 text-sm">
        {STEPS.map((step, i) => {
          const label = `${i + 1}. ${step.label}`;
          const className =
            i === at
              ? "rounded-full bg-brand-600 px-3 py-1 font-semibold text-white"
              : i < at
                ? "rounded-full bg-brand-100 px-3 py-1 text-brand-700 underline"
                : "rounded-full bg-slate-100 px-3 py-1 text-slate-500";
          return (
            <li key={step.key} aria-current={i === at ? "step" : undefined}>
              {i < at && documentId ? (
                <Link to={`/orders/${documentId}/${step.key}`} className={className}>
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
