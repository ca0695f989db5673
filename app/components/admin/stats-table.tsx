// The numbers of a chart as a table a screen reader can read: a caption, column headers, and each row's first cell a
// row header.
export type StatsRow = { key: string; header: string; cells: string[] };

export function StatsTable({
  caption,
  columns,
  rows,
  textCells = 0,
}: {
  caption: string;
  columns: string[];
  rows: StatsRow[];
  /** How many cells after the row header hold words (aligned left); the rest are numbers (aligned right). */
  textCells?: number;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="min-w-full text-sm">
        <caption className="px-3 py-2 text-left text-xs font-semibold text-slate-600">{caption}</caption>
        <thead className="bg-slate-50 text-slate-600">
          <tr>
            {columns.map((column, index) => (
              <th key={column} scope="col" className={`px-3 py-1.5 ${index > textCells ? "text-right" : "text-left"}`}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {rows.map((row) => (
            <tr key={row.key}>
              <th scope="row" className="whitespace-nowrap px-3 py-1.5 text-left font-normal">
                {row.header}
              </th>
              {row.cells.map((cell, index) => (
                <td
                  key={index}
                  className={`whitespace-nowrap px-3 py-1.5 ${index < textCells ? "text-left" : "text-right tabular-nums"}`}
                >
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
