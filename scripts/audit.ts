// `npm run audit`: `npm audit --omit=dev` over the production dependencies; exits 1 on a high or critical advisory
// that decision 050 does not accept (with its reason, until its expiry). Where the registry refuses the audit
// endpoint (as the one this project's CI reaches does), it says so plainly and exits 0 — or 1 with `--require`.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { runTool } from "./run-tool";
import { acceptedExceptionsOf, judgeAudit, type AdvisoryFound } from "./audit/verdict";

const ROOT = path.resolve(import.meta.dirname, "..");
const DECISION = path.join(ROOT, "docs/decisions/050-dependency-audit.md");

const line = (a: AdvisoryFound) => `  ${a.severity.padEnd(8)} ${a.advisory.padEnd(22)} ${a.dependency}: ${a.title}`;

runTool("audit", async () => {
  const { values } = parseArgs({ options: { require: { type: "boolean", default: false } } });
  const audit = spawnSync("npm", ["audit", "--omit=dev", "--json"], { cwd: ROOT, encoding: "utf8", timeout: 120_000 });
  const exceptions = acceptedExceptionsOf(readFileSync(DECISION, "utf8"));
  const verdict = judgeAudit(audit.stdout ?? "", exceptions, new Date().toISOString().slice(0, 10));
  if (verdict.kind === "unreachable") {
    console.log(`npm audit: NOT CHECKED — the registry gave no audit report: ${verdict.reason}`);
    return values.require ? 1 : 0;
  }
  const counts = Object.entries(verdict.counts)
    .map(([severity, n]) => `${severity} ${n}`)
    .join(", ");
  console.log(`npm audit (production dependencies): ${counts}`);
  if (verdict.accepted.length > 0) console.log(`accepted by decision 050:\n${verdict.accepted.map(line).join("\n")}`);
  if (verdict.kind === "failed") {
    console.log(`high or critical, not accepted:\n${verdict.blocking.map(line).join("\n")}`);
    return 1;
  }
  return 0;
});
