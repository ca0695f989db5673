import { useTranslation } from "react-i18next";
import { statusText } from "~/i18n/catalog-labels";
import englishCatalog from "~/locales/en/catalog.json";

const STATUS_CLASS: Record<string, string> = {
  draft: "bg-slate-100 text-slate-700",
  awaiting_payment: "bg-amber-100 text-amber-800",
  queued: "bg-sky-100 text-sky-800",
  generating: "bg-brand-100 text-brand-700",
  completed: "bg-emerald-100 text-emerald-800",
  completed_with_warnings: "bg-amber-100 text-amber-800",
  failed_quality: "bg-red-100 text-red-800",
  refunded: "bg-slate-200 text-slate-700",
  failed: "bg-red-100 text-red-800",
  cancelled: "bg-slate-200 text-slate-700",
};

/** An order's state in English ("Completed with warnings"), for callers not yet translated: prefer `statusText`. */
export function statusLabel(status: string): string {
  return (englishCatalog.statuses as Record<string, string>)[status] ?? status;
}

/** An order's state as a coloured badge, in the reader's language. */
export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const text = status in STATUS_CLASS ? statusText(t, status) : status;
  return (
    <span
      className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS_CLASS[status] ?? "bg-slate-100 text-slate-700"}`}
    >
      {text}
    </span>
  );
}

export function OfflineDemoBadge() {
  const { t } = useTranslation("catalog");
  return (
    <span
      className="inline-block rounded-full bg-purple-100 px-2.5 py-0.5 text-xs font-semibold text-purple-800"
      title={t("offlineDemo.title")}
    >
      {t("offlineDemo.label")}
    </span>
  );
}
