import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireAdmin } from "~/utils/admin.server";

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAdmin(request);
  return null;
}

export default function AdminDashboard() {
  return <h1 className="text-2xl font-bold">Dashboard</h1>;
}
