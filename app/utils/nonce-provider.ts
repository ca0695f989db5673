import { createContext, useContext } from "react";

// The per-request CSP nonce (set on the server by entry.server.tsx; empty in the browser, where it is not needed).
export const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;

export function useNonce(): string {
  return useContext(NonceContext);
}
