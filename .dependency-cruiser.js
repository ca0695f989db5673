// The structure `npm run lint` enforces (dependency-cruiser): dependencies run worker/ → app/ → db/, with scripts/,
// tests/ and server.ts on top; no import cycles, type-only imports included; a migration imports nothing but kysely.
// scripts/lint.test.ts runs these rules on tests/lint-fixtures/, where each rule is broken once on purpose.

/** Each layer and what it must never import: everything above it. */
const LAYERS = [
  { layer: "db", above: "^(app|worker|scripts|tests)/|^server\\.ts$", why: "db/ imports neither app/ nor worker/" },
  {
    layer: "app",
    above: "^(worker|scripts|tests)/|^server\\.ts$",
    why: "app/ never imports worker/: what both sides need lives in app/ or db/",
  },
  {
    layer: "worker",
    above: "^(scripts|tests)/|^server\\.ts$",
    why: "worker/ imports neither the entry points nor the tests",
  },
];

/** @type {import("dependency-cruiser").IConfiguration} */
export default {
  forbidden: [
    ...LAYERS.map(({ layer, above, why }) => ({
      name: `layers-${layer}`,
      comment: `${why} (dependencies run worker/ → app/ → db/).`,
      severity: "error",
      from: { path: `^${layer}/` },
      to: { path: above },
    })),
    {
      name: "no-cycles",
      comment:
        "Two modules that import each other (even for types only) are one module in two files: move what both need below them.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "migrations-import-only-kysely",
      comment: "A migration is frozen in time: its SQL is written inline, never taken from code that may change later.",
      severity: "error",
      from: { path: "^db/migrations/", pathNot: "^db/migrations/index\\.ts$" },
      to: { pathNot: "(^|/)node_modules/kysely/" },
    },
    {
      name: "imports-resolve",
      comment: "An import this check cannot follow would escape every rule above (build/server.js exists once built).",
      severity: "error",
      from: {},
      to: { couldNotResolve: true, pathNot: "^\\.\\./build/server\\.js$" },
    },
  ],
  options: {
    // Type-only imports count: a cycle through types is still two files that cannot be understood apart.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    doNotFollow: { path: "(^|/)node_modules/" },
    exclude: { path: "^(build|public/build|node_modules|tests/lint-fixtures)/" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
    },
  },
};
