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
import { useTranslation } from "react-i18next";
import { useChangeLanguage } from "remix-i18next/react";
import { LanguageSwitcher } from "./components/language-switcher";
import { getLocale } from "./i18n/i18n.server";
import { fixedTexts } from "./i18n/server-texts.server";
import { PAGE_NAMESPACES } from "./i18n/locales";
import { translateMessage } from "./i18n/messages";
import stylesheet from "./tailwind.css";
import { useNonce } from "./utils/nonce-provider";
import { getOptionalUser } from "./utils/session-cookie.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
];

/** Every customer page may use these; the admin layout adds "admin". */
export const handle = { i18n: [...PAGE_NAMESPACES] };

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.meta.title ?? "TesiGo" },
  { name: "description", content: data?.meta.description ?? "" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const [user, locale] = await Promise.all([getOptionalUser(request), getLocale(request)]);
  const t = fixedTexts(locale);
  return {
    locale,
    meta: { title: t("meta.title"), description: t("meta.description") },
    user: user ? { email: user.email, name: user.name, isAdmin: user.role === "admin" } : null,
  };
}

function Shell({ children }: { children: ReactNode }) {
  const data = useRouteLoaderData<typeof loader>("root");
  const user = data?.user ?? null;
  const nonce = useNonce();
  const { t, i18n } = useTranslation();
  const locale = data?.locale ?? i18n.language;
  useChangeLanguage(locale);
  return (
    <html lang={locale} className="h-full">
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
          {t("skipToContent")}
        </a>
        <header className="border-b border-slate-200 bg-white">
          <nav
            className="mx-auto flex max-w-5xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3"
            aria-label={t("nav.main")}
          >
            <Link to="/" className="text-lg font-bold text-brand-700">
              TesiGo
            </Link>
            {user ? (
              <>
                <Link to="/documents" className="text-sm text-slate-700 hover:text-brand-700">
                  {t("nav.myDocuments")}
                </Link>
                <Link to="/orders/new" className="text-sm text-slate-700 hover:text-brand-700">
                  {t("nav.newOrder")}
                </Link>
                <Link to="/account" className="text-sm text-slate-700 hover:text-brand-700">
                  {t("nav.account")}
                </Link>
                {user.isAdmin ? (
                  <Link to="/admin" className="text-sm font-semibold text-slate-700 hover:text-brand-700">
                    {t("nav.admin")}
                  </Link>
                ) : null}
                <div className="ml-auto flex flex-wrap items-center gap-3">
                  <LanguageSwitcher locale={locale} />
                  <span className="hidden text-sm text-slate-500 sm:inline">{user.email}</span>
                  <Form method="post" action="/logout">
                    <button type="submit" className="text-sm text-slate-700 underline hover:text-brand-700">
                      {t("nav.signOut")}
                    </button>
                  </Form>
                </div>
              </>
            ) : (
              <div className="ml-auto flex flex-wrap items-center gap-3">
                <LanguageSwitcher locale={locale} />
                <Link to="/login" className="text-sm font-semibold text-brand-700">
                  {t("nav.signIn")}
                </Link>
              </div>
            )}
          </nav>
        </header>
        <main id="main" className="mx-auto w-full max-w-5xl flex-1 px-4 py-8">
          {children}
        </main>
        <footer className="border-t border-slate-200 py-4 text-center text-xs text-slate-500">{t("footer")}</footer>
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
  const { t } = useTranslation(["common", "validation"]);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  // A request we refused (4xx with { error }, a 404 too) says why; anything else stays vague.
  const refusal =
    isRouteErrorResponse(error) && error.status >= 400 && error.status < 500 && typeof error.data?.error === "string"
      ? (error.data.error as string)
      : null;
  return (
    <Shell>
      <div className="mx-auto max-w-lg py-16 text-center">
        <p className="text-sm font-semibold text-brand-600">{isRouteErrorResponse(error) ? error.status : 500}</p>
        <h1 className="mt-2 text-3xl font-bold">
          {notFound ? t("error.notFoundTitle") : refusal ? t("error.refusedTitle") : t("error.unexpectedTitle")}
        </h1>
        <p className="mt-4 text-slate-600" role={refusal ? "alert" : undefined}>
          {refusal ? translateMessage(t, refusal) : notFound ? t("error.notFound") : t("error.unexpected")}
        </p>
        <Link to="/" className="mt-6 inline-block font-semibold text-brand-700 underline">
          {t("error.home")}
        </Link>
      </div>
    </Shell>
  );
}
