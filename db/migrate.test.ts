import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MIGRATIONS } from "./migrations/index";

describe("the migration list", () => {
  it("names every migration file of db/migrations, in file order, each with an up step", () => {
    const files = readdirSync(path.join(import.meta.dirname, "migrations"))
      .filter((f) => /^\d{4}_\d{2}_\d{2}_\d{4}_.+\.ts$/.test(f))
      .map((f) => f.replace(/\.ts$/, ""))
      .sort();
    expect(files.length).toBeGreaterThan(0);
    expect(Object.keys(MIGRATIONS)).toEqual(files);
    for (const migration of Object.values(MIGRATIONS)) expect(typeof migration.up).toBe("function");
  });
});
