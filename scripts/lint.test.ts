// `npm run lint`'s structure rules (.dependency-cruiser.js) on tests/lint-fixtures/, a miniature of the layers where
// each rule is broken once on purpose: every wrong import is caught by its own rule, and the allowed ones pass.
import path from "node:path";
import { cruise, type ICruiseResult } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";
import { beforeAll, describe, expect, it } from "vitest";
import structure from "../.dependency-cruiser.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const FIXTURES = path.join(ROOT, "tests/lint-fixtures");
const TSCONFIG = path.join(ROOT, "tsconfig.json");

type Violation = { rule: string; from: string; to: string; cycle?: string[] };

async function violationsIn(folder: string, paths = ["."]): Promise<{ violations: Violation[]; modules: string[] }> {
  const { output } = await cruise(
    paths,
    {
      ...structure.options,
      baseDir: folder,
      tsConfig: { fileName: TSCONFIG },
      validate: true,
      ruleSet: { forbidden: structure.forbidden },
    },
    undefined,
    { tsConfig: extractTSConfig(TSCONFIG) },
  );
  const result = output as ICruiseResult;
  return {
    violations: result.summary.violations.map((v) => ({
      rule: v.rule.name,
      from: v.from,
      to: v.to,
      cycle: v.cycle?.map((step) => step.name),
    })),
    modules: result.modules.map((m) => m.source),
  };
}

describe("npm run lint: the structure rules", () => {
  let found: Awaited<ReturnType<typeof violationsIn>>;
  const broken = (rule: string) => found.violations.filter((v) => v.rule === rule);
  const imports = (rule: string) => broken(rule).map((v) => `${v.from} → ${v.to}`);

  beforeAll(async () => {
    found = await violationsIn(FIXTURES);
  });

  it("reads every TypeScript file of the folder (or every rule below would pass on nothing)", () => {
    expect(found.modules.filter((m) => !m.includes("node_modules/")).sort()).toEqual([
      "app/imports-worker.ts",
      "app/price.ts",
      "db/imports-app.ts",
      "db/migrations/2026_01_01_0000_kysely_only.ts",
      "db/migrations/2026_01_01_0001_imports_project_code.ts",
      "db/migrations/2026_01_01_0002_imports_pg.ts",
      "db/migrations/index.ts",
      "worker/gate-registry.ts",
      "worker/gate-types.ts",
      "worker/queue.ts",
    ]);
  });

  it("fails on db/ importing app/", () => {
    expect(imports("layers-db")).toContain("db/imports-app.ts → app/price.ts");
  });

  it("fails on app/ importing worker/, and lets worker/ import app/", () => {
    expect(imports("layers-app")).toEqual(["app/imports-worker.ts → worker/queue.ts"]);
    expect(found.violations.filter((v) => v.from === "worker/queue.ts")).toEqual([]);
  });

  it("fails on an import cycle, even when one way imports only types", () => {
    const cycles = broken("no-cycles");
    expect(cycles.length).toBeGreaterThan(0);
    for (const cycle of cycles) {
      expect([cycle.from, ...(cycle.cycle ?? [])].sort()).toEqual(
        expect.arrayContaining(["worker/gate-registry.ts", "worker/gate-types.ts"]),
      );
    }
  });

  it("fails on a migration importing project code or any package but kysely; the list of migrations may import them", () => {
    const wrong = broken("migrations-import-only-kysely");
    expect(wrong.map((v) => v.from).sort()).toEqual([
      "db/migrations/2026_01_01_0001_imports_project_code.ts",
      "db/migrations/2026_01_01_0002_imports_pg.ts",
    ]);
    expect(wrong.map((v) => v.to)).toHaveLength(2);
    expect(wrong.map((v) => v.to)).toEqual(
      expect.arrayContaining(["app/price.ts", expect.stringMatching(/(^|\/)node_modules\/pg\//)]),
    );
    // Into app/, it breaks the layers as well.
    expect(imports("layers-db")).toContain("db/migrations/2026_01_01_0001_imports_project_code.ts → app/price.ts");
  });

  it("finds nothing else: the allowed imports pass", () => {
    const expected = new Set([
      "db/imports-app.ts",
      "app/imports-worker.ts",
      "worker/gate-registry.ts",
      "worker/gate-types.ts",
    ]);
    for (const file of [
      "db/migrations/2026_01_01_0001_imports_project_code.ts",
      "db/migrations/2026_01_01_0002_imports_pg.ts",
    ]) {
      expected.add(file);
    }
    expect(found.violations.filter((v) => !expected.has(v.from))).toEqual([]);
    expect(found.violations.map((v) => v.rule).filter((rule) => rule === "imports-resolve")).toEqual([]);
  });
});

describe("the project's migrations", () => {
  it("import nothing but kysely: each holds its own SQL", async () => {
    const { violations, modules } = await violationsIn(ROOT, ["db/migrations"]);
    expect(modules).toContain("db/migrations/2026_12_01_0001_shingle_hash.ts");
    expect(violations.filter((v) => v.rule === "migrations-import-only-kysely")).toEqual([]);
  });
});
