import { describe, expect, it } from "vitest";
import { DEFAULT_SECONDS_PER_PAGE, estimateTime, formatMoney, formatTimeRange, priceOf } from "./pricing";

describe("price", () => {
  it("is pages × the kind's price per page", () => {
    expect(priceOf({ kind: "essay", pages: 5, express: false })).toEqual({
      pricePerPageCents: 500,
      baseCents: 2500,
      expressCents: 0,
      ownKeyCents: 0,
      totalCents: 2500,
    });
    expect(priceOf({ kind: "master_thesis", pages: 80, express: false }).totalCents).toBe(72_000);
  });

  it("adds half for express delivery, in whole cents", () => {
    expect(priceOf({ kind: "term_paper", pages: 7, express: true })).toEqual({
      pricePerPageCents: 600,
      baseCents: 4200,
      expressCents: 2100,
      ownKeyCents: 0,
      totalCents: 6300,
    });
    expect(priceOf({ kind: "literature_review", pages: 5, express: true }).expressCents).toBe(1625);
  });

  it("takes the own-key discount off the whole, express included, in whole cents", () => {
    expect(priceOf({ kind: "term_paper", pages: 7, express: true, ownKeyDiscount: 0.4 })).toEqual({
      pricePerPageCents: 600,
      baseCents: 4200,
      expressCents: 2100,
      ownKeyCents: 2520,
      totalCents: 3780,
    });
    expect(priceOf({ kind: "literature_review", pages: 5, express: false, ownKeyDiscount: 0.33 }).totalCents).toBe(
      3250 - 1073,
    );
  });

  it("formats euros", () => {
    expect(formatMoney(2500)).toBe("€25.00");
    expect(formatMoney(123456)).toBe("€1,234.56");
  });
});

describe("time estimate", () => {
  it("uses the default rate until orders of that kind have been measured, as a range", () => {
    const estimate = estimateTime({ kind: "essay", pages: 10, express: false });
    const expected = 45 + DEFAULT_SECONDS_PER_PAGE * 10;
    expect(estimate).toEqual({ minSeconds: Math.round(expected * 0.8), maxSeconds: Math.round(expected * 1.6) });
  });

  it("uses the measured rate of the kind, and express is quicker", () => {
    const measured = estimateTime({ kind: "essay", pages: 10, express: false }, { essay: 30 });
    expect(measured.maxSeconds).toBe(Math.round((45 + 300) * 1.6));
    expect(estimateTime({ kind: "essay", pages: 10, express: true }, { essay: 30 }).maxSeconds).toBeLessThan(
      measured.maxSeconds,
    );
  });

  it("reads as minutes or hours", () => {
    expect(formatTimeRange({ minSeconds: 30, maxSeconds: 60 })).toBe("1 minute");
    expect(formatTimeRange({ minSeconds: 240, maxSeconds: 600 })).toBe("4–10 minutes");
    expect(formatTimeRange({ minSeconds: 3600, maxSeconds: 9000 })).toBe("1–2.5 hours");
    expect(formatTimeRange({ minSeconds: 240, maxSeconds: 600 }, "uk")).toBe("4–10 хвилин");
    expect(formatTimeRange({ minSeconds: 3600, maxSeconds: 9000 }, "it")).toBe("1-2,5 ore");
    expect(formatMoney(1250, "eur", "de")).toBe("12,50\u00a0€");
  });
});
