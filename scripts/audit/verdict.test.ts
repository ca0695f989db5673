import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acceptedExceptionsOf, judgeAudit } from "./verdict";

// The shape npm (v7 and later) prints for `npm audit --json`: one high advisory reached through a direct dependency.
const REPORT = {
  auditReportVersion: 2,
  vulnerabilities: {
    "path-to-regexp": {
      name: "path-to-regexp",
      severity: "high",
      isDirect: false,
      via: [
        {
          source: 1101850,
          name: "path-to-regexp",
          dependency: "path-to-regexp",
          title: "path-to-regexp outputs backtracking regular expressions",
          url: "https://github.com/advisories/GHSA-9wv6-86v2-598j",
          severity: "high",
          range: "<0.1.10",
        },
      ],
      effects: ["express"],
      range: "<0.1.10",
      fixAvailable: true,
    },
    express: { name: "express", severity: "high", isDirect: true, via: ["path-to-regexp"], effects: [] },
    cookie: {
      name: "cookie",
      severity: "low",
      via: [
        {
          name: "cookie",
          title: "cookie accepts cookie name, path, and domain with out of bounds characters",
          url: "https://github.com/advisories/GHSA-pxg6-pf52-xh8x",
          severity: "low",
        },
      ],
    },
  },
  metadata: { vulnerabilities: { info: 0, low: 1, moderate: 0, high: 2, critical: 0, total: 3 } },
};
const CLEAN = {
  auditReportVersion: 2,
  vulnerabilities: {},
  metadata: { vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 } },
};
const EXCEPTION = {
  advisory: "GHSA-9wv6-86v2-598j",
  dependency: "path-to-regexp",
  reason: "only reached through the dev server",
  expires: "2027-01-31",
};

describe("npm audit, judged", () => {
  it("a clean report passes", () => {
    expect(judgeAudit(JSON.stringify(CLEAN), [], "2026-12-07").kind).toBe("clean");
  });

  it("a high advisory fails, named once (not again for the package that only depends on it); a low one does not", () => {
    const verdict = judgeAudit(JSON.stringify(REPORT), [], "2026-12-07");
    expect(verdict.kind).toBe("failed");
    if (verdict.kind !== "failed") return;
    expect(verdict.blocking).toEqual([
      {
        advisory: "GHSA-9wv6-86v2-598j",
        dependency: "path-to-regexp",
        severity: "high",
        title: "path-to-regexp outputs backtracking regular expressions",
      },
    ]);
  });

  it("an accepted exception holds through its expiry day, and fails the day after", () => {
    const onTheDay = judgeAudit(JSON.stringify(REPORT), [EXCEPTION], "2027-01-31");
    expect(onTheDay.kind).toBe("clean");
    if (onTheDay.kind === "clean") expect(onTheDay.accepted.map((a) => a.advisory)).toEqual([EXCEPTION.advisory]);
    expect(judgeAudit(JSON.stringify(REPORT), [EXCEPTION], "2027-02-01").kind).toBe("failed");
  });

  it("an exception for the same advisory in another package does not cover it", () => {
    const other = { ...EXCEPTION, dependency: "express" };
    expect(judgeAudit(JSON.stringify(REPORT), [other], "2026-12-07").kind).toBe("failed");
  });

  it("a registry that refuses the audit endpoint is reported as not checked, with its message, never as clean", () => {
    const refused = {
      message: "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
      statusCode: 405,
    };
    expect(judgeAudit(JSON.stringify(refused), [], "2026-12-07")).toEqual({
      kind: "unreachable",
      reason: refused.message,
    });
    expect(judgeAudit("", [], "2026-12-07").kind).toBe("unreachable");
  });

  it("the exceptions are read from decision 050's table; none is accepted today", () => {
    const record = [
      "| advisory | dependency | reason | expires |",
      "|---|---|---|---|",
      "| GHSA-9wv6-86v2-598j | path-to-regexp | only reached through the dev server | 2027-01-31 |",
    ].join("\n");
    expect(acceptedExceptionsOf(record)).toEqual([EXCEPTION]);
    const decision = readFileSync(
      path.resolve(import.meta.dirname, "../../docs/decisions/050-dependency-audit.md"),
      "utf8",
    );
    expect(decision).toContain("| advisory | dependency | reason | expires |");
    // None is accepted today: accepting one is a deliberate change of this line too.
    expect(acceptedExceptionsOf(decision)).toEqual([]);
  });
});
