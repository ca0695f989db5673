import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { NavLink, Outlet, useLoaderData } from "@remix-run/react";
import { requireAdmin } from "~/utils/admin.server";

export const meta: MetaFunction = () => [{ title: "Admin · TesiGo" }];

// Every /admin page: only admins get here (adminGate in server.ts answers 404 to anyone else first).
export async function loader({ request }: LoaderFunctionArgs) {
  const admin = await requireAdmin(request);
  return { email: admin.email };
}

const SECTIONS = [
  { to: "/admin", label: "Dashboard", end: true },
  { to: "/admin/documents", label: "Orders" },
  { to: "/admin/jobs", label: "Jobs" },
  { to: "/admin/providers", label: "Providers" },
  { to: "/admin/users", label: "Users" },
  { to: "/admin/audit", label: "Audit log" },
];

export default function AdminLayout() {
  const { email } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 pb-3">
        <p className="text-sm font-semibold text-slate-500">Admin</p>
        <nav aria-label="Admin" className="flex flex-wrap gap-4">
          {SECTIONS.map((section) => (
            <NavLink
              key={section.to}
              to={section.to}
              end={section.end}
              prefetch="intent"
              className={({ isActive }) =>
                `text-sm ${isActive ? "font-semibold text-brand-700 underline" : "text-slate-700 hover:text-brand-700"}`
              }
            >
              {section.label}
            </NavLink>
          ))}
        </nav>
        <p className="ml-auto text-xs text-slate-500">Signed in as {email}</p>
      </div>
      <Outlet />
    </div>
  );
}
