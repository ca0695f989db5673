// Wrong, with gate-registry.ts: a type-only import back is still a cycle.
import type { Gate } from "./gate-registry";

export const uniquenessGate: Gate = { name: "uniqueness" };
