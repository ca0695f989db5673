// What an API key may do. Shared by the server (keys, checks) and the API keys page's form, which also runs in the
// browser: a constant imported from a *.server module is undefined there.
import type { ApiScope } from "../../db/schema";

export const API_SCOPES = ["orders:read", "orders:write"] as const satisfies readonly ApiScope[];
