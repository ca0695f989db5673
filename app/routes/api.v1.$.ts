import { apiError } from "~/utils/api.server";

// Any other path under /api/v1: a JSON 404 a program can read, not the site's HTML page.
const notFound = () =>
  apiError(404, "no_such_endpoint", "There is no such endpoint: see /api/docs for those there are.");

export function loader() {
  return notFound();
}

export function action() {
  return notFound();
}
