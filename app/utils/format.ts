export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

const dateTime = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeStyle: "short", timeZone: "UTC" });

/** A moment as admins read it: "6 Dec 2026, 19:51 UTC" (the same on the server and in the browser). */
export function formatDateTime(iso: string | Date): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}
