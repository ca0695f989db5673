import { describe, expect, it } from "vitest";
import { formatCount, formatDollars, formatRate, formatSeconds } from "./stats-format";

// Spaces Intl puts between digits or before a unit (no-break, narrow no-break) as plain ones, to compare.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("the dashboard's numbers in the admin's language", () => {
  it("stay as English readers know them", () => {
    expect(formatCount(12345)).toBe("12,345");
    expect(formatDollars(12_300)).toBe("$0.0123");
    expect(formatDollars(12_500_000)).toBe("$12.50");
    expect(formatRate(0.8333)).toBe("83.3 %");
    expect(formatRate(null)).toBe("—");
    expect(formatSeconds(72 * 60)).toBe("1 hr 12 min");
  });

  it("are written the German, French, Ukrainian and Polish way", () => {
    expect(formatCount(12345, "de")).toBe("12.345");
    expect(plain(formatCount(1234567, "uk"))).toBe("1 234 567");
    expect(formatRate(0.8333, "it")).toBe("83,3 %");
    expect(formatRate(0.5, "pl")).toBe("50,0 %");
    expect(plain(formatDollars(12_500_000, "fr"))).toBe("12,50 $US");
    expect(plain(formatDollars(12_300, "de"))).toBe("0,0123 $");
    expect(formatSeconds(null, "uk")).toBe("—");
  });
});
