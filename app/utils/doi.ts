/** "https://doi.org/10.1000/XYZ" or "doi:10.1000/xyz" → "10.1000/xyz"; anything that is not a DOI → null. */
export function normaliseDoi(raw: unknown): string | null {
  if (typeof raw !== "string") return null;
  const doi = raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\/(dx\.)?doi\.org\//, "")
    .replace(/^doi:\s*/, "");
  return /^10\.\d{4,9}\/\S+$/.test(doi) ? doi : null;
}
