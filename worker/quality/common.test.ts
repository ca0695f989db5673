import { describe, expect, it } from "vitest";
import { RecentMap } from "./common";

describe("RecentMap", () => {
  it("keeps the most recently used entries: get refreshes one, peek and has do not", () => {
    const map = new RecentMap<string, number>(2);
    map.set("a", 1);
    map.set("b", 2);
    expect(map.get("a")).toBe(1); // a is now the most recent
    map.set("c", 3); // b goes
    expect(map.has("b")).toBe(false);
    expect(map.peek("a")).toBe(1);
    map.set("d", 4); // peek left a the oldest: it goes
    expect(map.has("a")).toBe(false);
    expect([map.peek("c"), map.peek("d")]).toEqual([3, 4]);
    map.delete("c");
    expect(map.get("c")).toBeUndefined();
  });
});
