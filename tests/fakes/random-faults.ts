// Faults at random, for the chaos run (scripts/chaos/): a share of a fake's calls answer 429, 500, time out, lose
// their connection mid-answer or return malformed JSON, drawn from a seeded generator so a run can be repeated.
import type { Fault } from "./openai";

/** Every kind of failure an outside service shows us, in equal shares. */
export const CHAOS_FAULTS: readonly Fault[] = [
  { status: 429, retryAfterSeconds: 1 },
  { status: 500 },
  { kind: "timeout" },
  { kind: "cut" },
  { kind: "malformed" },
];

/** Draws a fault for a share of calls (0 = never, 1 = always); `random` returns numbers in [0, 1). */
export type FaultDraw = () => Fault | undefined;

export function randomFaults(share: number, random: () => number, faults: readonly Fault[] = CHAOS_FAULTS): FaultDraw {
  if (!(share >= 0 && share <= 1)) throw new Error(`The fault share must be between 0 and 1, not ${share}`);
  return () => (random() < share ? faults[Math.floor(random() * faults.length)] : undefined);
}

/** A small seeded generator (mulberry32): the same seed gives the same faults, kills and orders. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
