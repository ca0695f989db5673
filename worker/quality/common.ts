// Small helpers shared by the gates (kept out of gate.ts so the gate modules import nothing from it at run time).
import { logger } from "../../app/utils/logger.server";
import type { GateResult, QualityLog } from "./gate";

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
