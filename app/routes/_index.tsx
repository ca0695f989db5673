import type { LoaderFunctionArgs } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { getOptionalUser } from "~/utils/session-cookie.server";

export async function loader({ request }: LoaderFunctionArgs) {
  return {
    signedIn: Boolean(await getOptionalUser(request)),
    deleted: new URL(request.url).searchParams.has("deleted"),
  };
}

const STEPS = [
  ["Order", "Topic, length and language. You see the price before you pay."],
  ["Watch", "An outline, then each section written in parallel, live on your screen."],
  ["Read", "Every section checked before delivery; orders that miss the bar are refunded."],
];

export default function Index() {
  const { signedIn, deleted } = useLoaderData<typeof loader>();
  return (
    <div className="space-y-12">
      {deleted ? (
        <p role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3 text-emerald-900">
          Your account has been deleted and you are signed out. Payment records are kept, anonymised, for accounting.
        </p>
      ) : null}
      <section className="py-10 text-center">
        <h1 className="text-4xl font-bold tracking-tight text-slate-900">
          Long academic documents, written and checked
        </h1>
        <p className="mx-auto mt-4 max-w-2xl text-lg text-slate-600">
          Essays, term papers and theses of 5 to 200 pages in eight languages, planned, written section by section and
          checked before you get them.
        </p>
        <Link
          to={signedIn ? "/orders/new" : "/login"}
          className="mt-8 inline-block rounded-md bg-brand-600 px-6 py-3 font-semibold text-white shadow hover:bg-brand-700"
        >
          {signedIn ? "Order a document" : "Sign in to order"}
        </Link>
      </section>
      <ol className="grid gap-4 sm:grid-cols-3">
        {STEPS.map(([title, text], i) => (
          <li key={title} className="rounded-lg border border-slate-200 bg-white p-5">
            <p className="text-sm font-semibold text-brand-600">Step {i + 1}</p>
            <h2 className="mt-1 text-lg font-semibold">{title}</h2>
            <p className="mt-2 text-sm text-slate-600">{text}</p>
          </li>
        ))}
      </ol>
    </div>
  );
}
