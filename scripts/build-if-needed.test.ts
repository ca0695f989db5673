import { describe, expect, it } from "vitest";
import { buildReason, wantedMode } from "./build-if-needed.mjs";

describe("buildIfNeeded's decision", () => {
  const fresh = { builtAt: 2000, changedAt: 1000 };

  it("rebuilds a bundle made for tests before a production start, and says why", () => {
    expect(buildReason({ ...fresh, recorded: "test", wanted: "production" })).toBe(
      "The last build was made for NODE_ENV=test, this start is production: rebuilding…",
    );
    expect(buildReason({ ...fresh, recorded: "production", wanted: "test" })).toMatch(/rebuilding/);
  });

  it("rebuilds a build that recorded no mode (made before builds recorded one)", () => {
    expect(buildReason({ ...fresh, recorded: null, wanted: "production" })).toMatch(/NODE_ENV=unknown/);
  });

  it("reuses a fresh build of the same mode; rebuilds a missing or stale one", () => {
    expect(buildReason({ ...fresh, recorded: "production", wanted: "production" })).toBeNull();
    expect(buildReason({ builtAt: 0, changedAt: 1000, recorded: null, wanted: "production" })).toMatch(/first start/);
    expect(buildReason({ builtAt: 1000, changedAt: 2000, recorded: "production", wanted: "production" })).toMatch(
      /Sources changed/,
    );
  });

  it("wants the mode remix build would give: NODE_ENV, production when unset", () => {
    const env = (values: Record<string, string>) => values as unknown as NodeJS.ProcessEnv;
    expect(wantedMode(env({}))).toBe("production");
    expect(wantedMode(env({ NODE_ENV: "" }))).toBe("production");
    expect(wantedMode(env({ NODE_ENV: "test" }))).toBe("test");
  });
});
