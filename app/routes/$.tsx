// Every unknown URL: a proper 404 page from the root ErrorBoundary.
export async function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
