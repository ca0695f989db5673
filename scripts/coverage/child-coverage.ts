// The coverage of the processes the tests start (web and worker servers, CLIs, their threads), which vitest's own
// coverage cannot see: Node writes it as raw V8 JSON where NODE_V8_COVERAGE points; here each file is cut down to
// our sources and then turned into covered lines per source file through the source maps Node recorded.
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import remapping from "@jridgewell/remapping";
import v8ToIstanbul from "v8-to-istanbul";

type ScriptCoverage = { url: string; functions: Parameters<ReturnType<typeof v8ToIstanbul>["applyCoverage"]>[0] };
type SourceMapEntry = { lineLengths?: number[]; data?: { sources: string[] } & Record<string, unknown> };
type RawCoverage = { result: ScriptCoverage[]; "source-map-cache"?: Record<string, SourceMapEntry> };

/** Files of ours a process ran: app/, worker/, db/ (through tsx), and the Remix bundle that holds app/ for the web. */
export function isOurScript(url: string, root: string): boolean {
  if (!url.startsWith("file://")) return false;
  const file = path.relative(root, fileURLToPath(url));
  return !file.includes("node_modules") && /^(app|worker|db)\/|^build\/index\.js$/.test(file);
}

const KEPT_PREFIX = "ours-";
const CLAIMED_PREFIX = "claimed-";

/**
 * Rewrites each raw file of `dir` with only our scripts (a process' full file is ~15 MB; ours is a tenth of it).
 * Test files run in parallel processes that all tidy the same folder: each file is first claimed by an atomic rename,
 * and one still being written (not yet JSON) is given back for a later pass.
 */
export function compactRawCoverage(dir: string, root: string) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    if (!name.endsWith(".json") || name.startsWith(KEPT_PREFIX) || name.startsWith(CLAIMED_PREFIX)) continue;
    const file = path.join(dir, name);
    const claimed = path.join(dir, `${CLAIMED_PREFIX}${process.pid}-${name}`);
    try {
      renameSync(file, claimed);
    } catch {
      continue; // another process claimed it first
    }
    let raw: RawCoverage;
    try {
      raw = JSON.parse(readFileSync(claimed, "utf8")) as RawCoverage;
    } catch {
      renameSync(claimed, file);
      continue;
    }
    const result = raw.result.filter((script) => isOurScript(script.url, root));
    const maps = Object.fromEntries(
      Object.entries(raw["source-map-cache"] ?? {}).filter(([url]) => isOurScript(url, root)),
    );
    if (result.length > 0) {
      writeFileSync(path.join(dir, KEPT_PREFIX + name), JSON.stringify({ result, "source-map-cache": maps }));
    }
    rmSync(claimed);
  }
}

/** tsx re-emits the bundle with a map onto build/index.js itself; composed with Remix's map it points into app/. */
function sourceMapOf(url: string, entry: SourceMapEntry | undefined, root: string) {
  if (!entry?.data) return undefined;
  const bundle = path.join(root, "build", "index.js");
  if (fileURLToPath(url) !== bundle) return entry.data;
  const remixMap = JSON.parse(readFileSync(`${bundle}.map`, "utf8")) as { sources: string[] };
  const absolute = {
    ...remixMap,
    sources: remixMap.sources.map((source) => pathToFileURL(path.resolve(path.dirname(bundle), source)).href),
  };
  return remapping(entry.data as never, (file) => (file === pathToFileURL(bundle).href ? (absolute as never) : null));
}

/** Covered lines per absolute source path, over every process' coverage in `dir`. */
export async function childCoveredLines(dir: string, root: string): Promise<Map<string, Set<number>>> {
  compactRawCoverage(dir, root);
  const covered = new Map<string, Set<number>>();
  for (const name of readdirSync(dir).filter((n) => n.startsWith(KEPT_PREFIX))) {
    const raw = JSON.parse(readFileSync(path.join(dir, name), "utf8")) as RawCoverage;
    for (const script of raw.result) {
      const entry = raw["source-map-cache"]?.[script.url];
      const sourcemap = sourceMapOf(script.url, entry, root);
      const sources = sourcemap
        ? {
            // The executed text is not kept, only its line lengths: positions are all the conversion needs.
            source: (entry?.lineLengths ?? []).map((length) => ".".repeat(length)).join("\n"),
            sourceMap: { sourcemap: sourcemap as never },
          }
        : undefined;
      const converter = v8ToIstanbul(fileURLToPath(script.url), 0, sources as never);
      await converter.load();
      converter.applyCoverage(script.functions);
      for (const [file, data] of Object.entries(converter.toIstanbul())) {
        const lines = covered.get(file) ?? new Set<number>();
        for (const [id, count] of Object.entries(data.s)) if (count > 0) lines.add(data.statementMap[id].start.line);
        covered.set(file, lines);
      }
      converter.destroy();
    }
  }
  return covered;
}
