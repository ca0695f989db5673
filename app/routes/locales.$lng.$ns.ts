import type { LoaderFunctionArgs } from "@remix-run/node";
import { json } from "@remix-run/node";
import { z } from "zod";
import { LOCALES, NAMESPACES, SERVER_NAMESPACES } from "../i18n/locales";
import { resources } from "../i18n/resources.server";

const BROWSER_NAMESPACES = NAMESPACES.filter((ns) => !(SERVER_NAMESPACES as readonly string[]).includes(ns));
const paramsSchema = z.object({
  lng: z.enum(LOCALES),
  ns: z.enum(BROWSER_NAMESPACES as [string, ...string[]]),
});

/** One language's namespace for the browser's i18next (GET /locales/uk/orders). Emails and exports stay server-side. */
export async function loader({ params }: LoaderFunctionArgs) {
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw json({ error: "There is no such language or set of texts." }, { status: 404 });
  const { lng, ns } = parsed.data;
  return json(resources[lng][ns as keyof (typeof resources)[typeof lng]], {
    // Texts change with a release; five minutes of caching keeps page loads cheap and a release visible soon.
    headers: { "Cache-Control": "public, max-age=300" },
  });
}
