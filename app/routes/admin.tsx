import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getLocale, translatorFor } from "~/i18n/i18n.server";
import { requireAdmin } from "~/utils/admin.server";

// Every admin page speaks the admin's language: the `admin` namespace comes with this layout.
export const handle = { i18n: ["admin"] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? "Admin · TesiGo" }];

// Every /admin page: only admins get here (adminGate in server.ts answers 404 to anyone else first).
export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  const t = await translatorFor(await getLocale(request));
  return { email: admin.email, title: t("admin:layout.title") };
}

const SECTIONS = [
  { to: "/admin", label: "dashboard", end: true },
  { to: "/admin/documents", label: "orders" },
  { to: "/admin/jobs", label: "jobs" },
  { to: "/admin/providers", label: "providers" },
  { to: "/admin/users", label: "users" },
  { to: "/admin/audit", label: "audit" },
] as const;

export default function AdminLayout() {
  const { email } = useLoaderData<typeof loader>();
  const { t } = useTranslation("admin");
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 pb-3">
        <p className="text-sm font-semibold text-slate-500">{t("layout.area")}</p>
        <nav aria-label={t("layout.area")} className="flex flex-wrap gap-4">
          {SECTIONS.map((section) => (
            <NavLink
              key={section.to}
              to={section.to}
              end={"end" in section ? section.end : undefined}
              prefetch="intent"
              className={({ isActive }) =>
                `text-sm ${isActive ? "font-semibold text-brand-700 underline" : "text-slate-700 hover:text-brand-700"}`
              }
            >
              {t(`layout.${section.label}`)}
            </NavLink>
          ))}
        </nav>
        <p className="ml-auto text-xs text-slate-500">{t("layout.signedInAs", { email })}</p>
      </div>
      <Outlet />
    </div>
  );
}
