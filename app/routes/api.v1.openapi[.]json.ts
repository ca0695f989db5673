import type { ActionFunctionArgs } from "@remix-run/node";
import { apiJson, methodNotAllowed } from "~/utils/api.server";
import { getEnv } from "~/utils/env.server";
import { openApiDocument } from "~/utils/openapi.server";

/** GET /api/v1/openapi.json: the API described, generated from the schemas the routes use; no key needed. */
export function loader() {
  const env = getEnv();
  return apiJson(
    openApiDocument(env.APP_URL, {
      perKey: env.API_RATE_LIMIT_PER_MINUTE,
      perAccount: env.API_ACCOUNT_RATE_LIMIT_PER_MINUTE,
    }),
  );
}

/** Any method but GET here is not an operation: said in JSON, with what is (not Remix's error for a missing action). */
export function action({ request }: ActionFunctionArgs) {
  return methodNotAllowed(request, "GET");
}
