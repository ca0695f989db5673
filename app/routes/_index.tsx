import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getOptionalUser } from "~/utils/session-cookie.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return {
    signedIn: Boolean(await getOptionalUser(request)),
    deleted: new URL(request.url).searchParams.has("deleted"),
  };
}

const STEPS = ["order", "watch", "read"] as const;

export default function Index() {
  const { signedIn, deleted } = useLoaderData<typeof loader>();
  const { t } = useTranslation("home");
  return (
    <div className="space-y-12">
      {deleted ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">
          {t("deleted")}
        </p>
      ) : null}
      <section className="py-10 text-center">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900">{t("hero.title")}</h1>
        <p className="mx-auto mt-4 max-w-2xl text-lg text-slate-600">{t("hero.text")}</p>
        <Link
          to={signedIn ? "/orders/new" : "/login"}
          className="mt-8 inline-block rounded-md bg-brand-600 px-6 py-3 font-semibold text-white shadow hover:bg-brand-700"
        >
          {signedIn ? t("hero.order") : t("hero.signIn")}
        </Link>
      </section>
      <ol className="grid gap-4 sm:grid-cols-3">
        {STEPS.map((step, i) => (
          <li key={step} className="rounded-lg border border-slate-200 bg-white p-5">
            <p className="text-sm font-semibold text-brand-600">{t("step", { number: i + 1 })}</p>
            <h2 className="mt-1 text-lg font-semibold">{t(`steps.${step}.title`)}</h2>
            <p className="mt-2 text-sm text-slate-600">{t(`steps.${step}.text`)}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
