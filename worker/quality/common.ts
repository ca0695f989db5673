// Small helpers shared by the gates (kept out of gate.ts so the gate modules import nothing from it at run time).
import { logger } from "../../app/utils/logger.server";
import type { GateResult, QualityLog } from "./gate";

/** What the regex `\s` matches: ASCII whitespace, NBSP, the Unicode space separators, line/paragraph separators, BOM. */
export function isWhiteSpace(code: number): boolean {
  if (code <= 32) return code === 32 || (code >= 9 && code <= 13);
  if (code < 160) return false;
  return code === 160 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 ||
    code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

export function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

export function logOf(holder: { log?: QualityLog }): QualityLog {
  return holder.log ?? logger;
}

/** A gate with nothing to check with: no score, and it cannot fail the section. */
export function unchecked(gate: string): GateResult {
  return { gate, score: null, passed: true, feedback: [] };
}
