const STATUS: Record<string, { label: string; className: string }> = {
  draft: { label: "Draft", className: "bg-slate-100 text-slate-700" },
  awaiting_payment: { label: "Awaiting payment", className: "bg-amber-100 text-amber-800" },
  queued: { label: "Queued", className: "bg-sky-100 text-sky-800" },
  generating: { label: "Writing", className: "bg-brand-100 text-brand-700" },
  completed: { label: "Completed", className: "bg-emerald-100 text-emerald-800" },
  completed_with_warnings: { label: "Completed with warnings", className: "bg-amber-100 text-amber-800" },
  failed_quality: { label: "Below quality threshold", className: "bg-red-100 text-red-800" },
  refunded: { label: "Refunded", className: "bg-slate-200 text-slate-700" },
  failed: { label: "Failed", className: "bg-red-100 text-red-800" },
  cancelled: { label: "Cancelled", className: "bg-slate-200 text-slate-700" },
};

/** An order's state in the words customers and admins see ("Completed with warnings"). */
export function statusLabel(status: string): string {
  return STATUS[status]?.label ?? status;
}

export function StatusBadge({ status }: { status: string }) {
  const s = STATUS[status] ?? { label: status, className: "bg-slate-100 text-slate-700" };
  return (
    <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${s.className}`}>{s.label}</span>
  );
}

export function OfflineDemoBadge() {
  return (
    <span
      className="inline-block rounded-full bg-purple-100 px-2.5 py-0.5 text-xs font-semibold text-purple-800"
      title="Written by TesiGo's built-in offline writer, not by an AI model: set a provider key for real documents."
    >
      Offline demo
    </span>
  );
}
