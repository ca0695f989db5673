// Wrong, with gate-types.ts: the registry imports a gate whose types import the registry back.
import { uniquenessGate } from "./gate-types";

export type Gate = { name: string };
export const GATES: Gate[] = [uniquenessGate];
