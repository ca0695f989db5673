import type { ReactNode } from "react";

/**
 * A titled list of the account's things (API keys, webhook endpoints…): each item rendered by `children` as an <li>,
 * or a dashed box saying there are none yet.
 */
export function ItemList<T>({
  id,
  heading,
  empty,
  items,
  children,
}: {
  id: string;
  heading: string;
  empty: string;
  items: readonly T[];
  children: (item: T) => ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id} className="text-lg font-semibold">
        {heading}
      </h2>
      {items.length === 0 ? (
        <p className="mt-3 rounded-lg border border-dashed border-slate-300 bg-white p-6 text-center text-sm text-slate-600">
          {empty}
        </p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-200 rounded-lg border border-slate-200 bg-white">
          {items.map(children)}
        </ul>
      )}
    </section>
  );
}
