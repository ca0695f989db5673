/** @type {import('@remix-run/dev').AppConfig} */
export default {
  // Classic Remix compiler with v2 flat routes (the default in Remix v2).
  ignoredRouteFiles: ["**/.*", "**/*.test.{ts,tsx}"],
  serverModuleFormat: "esm",
  serverPlatform: "node",
  tailwind: true,
  postcss: true,
  // Server-only packages stay external; the bundle shares them (and their singletons) with server.ts.
  serverDependenciesToBundle: [],
  future: {
    v3_fetcherPersist: true,
    v3_relativeSplatPath: true,
    v3_throwAbortReason: true,
    v3_lazyRouteDiscovery: true,
    v3_singleFetch: true,
  },
};
