// The versions of a delivered text, newest first: number, when (relative and exact), who, which sections changed.
// The customer's page and an admin's show the same list; `viewer` says whose words name the customer.
import { Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { VersionAuthor } from "../../../db/schema";

export type VersionRow = {
  number: number;
  author: VersionAuthor;
  restoredFrom: number | null;
  /** ISO time, and how the reader's language writes it (computed by the loader: "now" is the server's). */
  at: string;
  ago: string;
  exact: string;
  changedHeadings: string[];
};

export type Viewer = "customer" | "admin";

export function useAuthorText(viewer: Viewer) {
  const { t } = useTranslation("versions");
  return (row: Pick<VersionRow, "author" | "restoredFrom">) => {
    const number = row.restoredFrom ?? 0;
    switch (row.author) {
      case "customer":
        return viewer === "admin" ? t("authors.customerForAdmin") : t("authors.customer");
      case "admin":
        return row.restoredFrom ? t("authors.adminRestore", { number }) : t("authors.admin");
      case "restore":
        return t("authors.restore", { number });
      default:
        return t(`authors.${row.author}`);
    }
  };
}

export function VersionList({
  rows,
  viewer,
  hrefOf,
}: {
  rows: VersionRow[];
  viewer: Viewer;
  hrefOf: (number: number) => string;
}) {
  const { t } = useTranslation("versions");
  const authorText = useAuthorText(viewer);
  return (
    <ol
      aria-label={t("list.caption")}
      className="divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white"
    >
      {rows.map((row, i) => (
        <li key={row.number} className="space-y-1 p-4" data-testid="version">
          <p className="flex flex-wrap items-baseline gap-x-3">
            <Link to={hrefOf(row.number)} className="font-semibold text-brand-700 underline">
              {t("list.version", { number: row.number })}
            </Link>
            {i === 0 ? (
              <span className="rounded bg-emerald-50 px-2 py-0.5 text-xs text-emerald-800">{t("list.current")}</span>
            ) : null}
            <span className="text-sm text-slate-600">
              <time dateTime={row.at}>{t("list.when", { ago: row.ago, exact: row.exact })}</time>
            </span>
          </p>
          <p className="text-sm">{authorText(row)}</p>
          <p className="text-sm text-slate-600">
            {row.author === "delivery"
              ? t("list.deliveredText")
              : row.changedHeadings.length
                ? t("list.changed", { headings: row.changedHeadings.join(", ") })
                : t("list.nothingChanged")}
          </p>
        </li>
      ))}
    </ol>
  );
}
