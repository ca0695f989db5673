// With `npm run test:unit` (CHILD_COVERAGE_DIR set), every process a test starts — web and worker servers, CLIs and
// their threads — writes its V8 coverage there (NODE_V8_COVERAGE, read by Node at start), and after each test file
// those files are cut down to our sources, so a whole run stays small on disk. scripts/coverage.ts reads them.
import path from "node:path";
import { afterAll } from "vitest";
import { compactRawCoverage } from "../../scripts/coverage/child-coverage";

const ROOT = path.resolve(import.meta.dirname, "../..");
const dir = process.env.CHILD_COVERAGE_DIR ? path.resolve(ROOT, process.env.CHILD_COVERAGE_DIR) : undefined;

if (dir) {
  process.env.NODE_V8_COVERAGE = dir;
  afterAll(() => compactRawCoverage(dir, ROOT));
}
