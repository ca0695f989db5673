import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  Links,
  Meta,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useLoaderData,
  useRouteError,
  useRouteLoaderData,
} from "@remix-run/react";
import type { ReactNode } from "react";
import stylesheet from "./tailwind.css";
import { useNonce } from "./utils/nonce-provider";
import { getOptionalUser } from "./utils/session-cookie.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

export const meta: MetaFunction = () => [
  { title: "TesiGo — academic documents, written and checked" },
  {
    name: "description",
    content: "Order an essay, term paper or thesis; watch it being written; read it with real sources.",
  },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await getOptionalUser(request);
  return { user: user ? { email: user.email, name: user.name, isAdmin: user.role === "admin" } : null };
}

function Shell({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  const nonce = useNonce();
  return (
    <html lang="en" className="h-full">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body className="flex min-h-full flex-col">
        <a
          href="#main"
          className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:bg-white focus:p-2"
        >
          Skip to content
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav className="mx-auto flex max-w-5xl items-center gap-6 px-4 py-3" aria-label="Main">
            <Link to="/" className="text-lg font-bold text-brand-700">
              TesiGo
            </Link>
            {user ? (
              <>
                <Link to="/documents" className="text-sm text-slate-700 hover:text-brand-700">
                  My documents
                </Link>
                <Link to="/orders/new" className="text-sm text-slate-700 hover:text-brand-700">
                  New order
                </Link>
                <Link to="/account" className="text-sm text-slate-700 hover:text-brand-700">
                  Account
                </Link>
                {user.isAdmin ? (
                  <Link to="/admin" className="text-sm font-semibold text-slate-700 hover:text-brand-700">
                    Admin
                  </Link>
                ) : null}
                <div className="ml-auto flex items-center gap-3">
                  <span className="hidden text-sm text-slate-500 sm:inline">{user.email}</span>
                  <Form method="post" action="/logout">
                    <button type="submit" className="text-sm text-slate-700 underline hover:text-brand-700">
                      Sign out
                    </button>
                  </Form>
                </div>
              </>
            ) : (
              <Link to="/login" className="ml-auto text-sm font-semibold text-brand-700">
                Sign in
              </Link>
            )}
          </nav>
        </header>
        <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-8">
          {children}
        </main>
        <footer className="border-t border-slate-200 py-4 text-center text-xs text-slate-500">
          TesiGo · real sources, checked sections, refunds when quality is not met
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  useLoaderData<typeof loader>();
  return (
    <Shell>
      <Outlet />
    </Shell>
  );
}

export function ErrorBoundary() {
  const error = useRouteError();
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // A request we refused (4xx with { error }) says why; anything else stays vague.
  const refusal =
    isRouteErrorResponse(error) && error.status >= 400 && error.status < 500 && typeof error.data?.error === "string"
      ? (error.data.error as string)
      : null;
  return (
    <Shell>
      <div className="mx-auto max-w-lg py-16 text-center">
        <p className="text-sm font-semibold text-brand-600">{isRouteErrorResponse(error) ? error.status : 500}</p>
        <h1 className="mt-2 text-3xl font-bold">
          {notFound ? "Page not found" : refusal ? "Request refused" : "Something went wrong"}
        </h1>
        <p className="mt-4 text-slate-600" role={refusal ? "alert" : undefined}>
          {notFound
            ? "We could not find that page. It may have moved, or the address may be mistyped."
            : (refusal ?? "An unexpected error stopped this page. Nothing you entered was lost; please try again.")}
        </p>
        <Link to="/" className="mt-6 inline-block font-semibold text-brand-700 underline">
          Back to the home page
        </Link>
      </div>
    </Shell>
  );
}
