import { inputClass } from "./field";

/** A secret shown once after it was made (an API key, a webhook signing secret): selected on focus, to copy. */
export function ShownOnce({
  id,
  title,
  note,
  label,
  value,
}: {
  id: string;
  title: string;
  note: string;
  label: string;
  value: string;
}) {
  return (
    <div role="status" className="rounded-lg border border-green-300 bg-green-50 p-4 text-sm">
      <p className="font-semibold">{title}</p>
      <p className="mt-1">{note}</p>
      <label htmlFor={id} className="sr-only">
        {label}
      </label>
      <input
        id={id}
        readOnly
        value={value}
        className={`${inputClass} mt-2 font-mono`}
        onFocus={(e) => e.currentTarget.select()}
      />
    </div>
  );
}
