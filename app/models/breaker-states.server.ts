import type { DbOrTrx } from "../utils/db.server";

export type BreakerStateRow = {
  provider: string;
  state: "closed" | "open" | "half_open";
  openedAt: Date | null;
  updatedAt: Date;
};

/** Every provider breaker recorded (writers and scholarly indexes); a provider never seen failing has no row: closed. */
export async function listBreakerStates(db: DbOrTrx): Promise<BreakerStateRow[]> {
  const rows = await db
    .selectFrom("provider_breakers")
    .select(["provider", "state", "opened_at", "updated_at"])
    .orderBy("provider")
    .execute();
  return rows.map((row) => ({
    provider: row.provider,
    state: row.state,
    openedAt: row.opened_at,
    updatedAt: row.updated_at,
  }));
}
