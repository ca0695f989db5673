// What `npm audit --json` said, judged: which high or critical advisories of the production dependencies are not
// covered by an accepted exception of decision 050 (with its reason and an expiry date not yet passed).

export type AcceptedException = { advisory: string; dependency: string; reason: string; expires: string };

export type AdvisoryFound = { advisory: string; dependency: string; severity: string; title: string };

export type AuditVerdict =
  | { kind: "clean"; blocking: []; accepted: AdvisoryFound[]; counts: Record<string, number> }
  | { kind: "failed"; blocking: AdvisoryFound[]; accepted: AdvisoryFound[]; counts: Record<string, number> }
  | { kind: "unreachable"; reason: string };

const BLOCKING = new Set(["high", "critical"]);
const EXCEPTION_ROW = /^\|\s*(GHSA-[\w-]+)\s*\|\s*([^|]+?)\s*\|\s*([^|]+?)\s*\|\s*(\d{4}-\d{2}-\d{2})\s*\|\s*$/;

/** The rows of the "Accepted exceptions" table of the decision record (advisory | dependency | reason | expires). */
export function acceptedExceptionsOf(decisionRecord: string): AcceptedException[] {
  return decisionRecord
    .split("\n")
    .map((line) => EXCEPTION_ROW.exec(line.trim()))
    .filter((match): match is RegExpExecArray => match !== null)
    .map(([, advisory, dependency, reason, expires]) => ({ advisory, dependency, reason, expires }));
}

type Via = { url?: unknown; title?: unknown; severity?: unknown; name?: unknown };
type AuditReport = {
  vulnerabilities?: Record<string, { via?: unknown[] }>;
  metadata?: { vulnerabilities?: Record<string, number> };
  message?: unknown;
};

/** The advisory's id (GHSA-…) from its GitHub URL, or the URL itself where it has another form. */
function advisoryId(url: string): string {
  return /GHSA-[\w-]+/.exec(url)?.[0] ?? url;
}

/** Every advisory the report names (each once), from the `via` entries that are advisories rather than package names. */
function advisoriesOf(report: AuditReport): AdvisoryFound[] {
  const found = new Map<string, AdvisoryFound>();
  for (const entry of Object.values(report.vulnerabilities ?? {})) {
    for (const via of entry.via ?? []) {
      if (typeof via !== "object" || via === null) continue;
      const { url, title, severity, name } = via as Via;
      if (typeof url !== "string" || typeof severity !== "string") continue;
      const advisory = advisoryId(url);
      found.set(`${advisory} ${String(name)}`, {
        advisory,
        dependency: String(name),
        severity,
        title: String(title ?? ""),
      });
    }
  }
  return [...found.values()];
}

/** `today` as YYYY-MM-DD: an exception holds through its expiry day. */
export function judgeAudit(output: string, exceptions: AcceptedException[], today: string): AuditVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(output) as AuditReport;
  } catch {
    return { kind: "unreachable", reason: `npm audit printed no report (${output.trim().slice(0, 200) || "nothing"})` };
  }
  if (!report.vulnerabilities || !report.metadata?.vulnerabilities) {
    return { kind: "unreachable", reason: String(report.message ?? "npm audit answered without a report") };
  }
  const accepted: AdvisoryFound[] = [];
  const blocking: AdvisoryFound[] = [];
  for (const advisory of advisoriesOf(report).filter((a) => BLOCKING.has(a.severity))) {
    const exception = exceptions.find((e) => e.advisory === advisory.advisory && e.dependency === advisory.dependency);
    (exception && exception.expires >= today ? accepted : blocking).push(advisory);
  }
  const counts = report.metadata.vulnerabilities;
  return blocking.length === 0
    ? { kind: "clean", blocking: [], accepted, counts }
    : { kind: "failed", blocking, accepted, counts };
}
