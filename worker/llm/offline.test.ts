import { describe, expect, it } from "vitest";
import { countWords } from "../quality/common";
import { OfflineWriter } from "./offline";

const section = (attempt: number, targetWords = 400) => ({
  system: "s",
  prompt: "p",
  intent: {
    kind: "section" as const,
    topic: "Roman roads",
    language: "en",
    heading: "Trade",
    keyPoints: ["tolls", "milestones"],
    targetWords,
    attempt,
  },
});

describe("the offline writer", () => {
  it("writes the same text for the same section, and another text for another attempt", async () => {
    const writer = new OfflineWriter();
    const a = await writer.complete(section(1));
    const b = await writer.complete(section(1));
    const c = await writer.complete(section(2));
    expect(a.text).toBe(b.text);
    expect(c.text).not.toBe(a.text);
    expect(a).toMatchObject({ provider: "offline", model: "offline-demo-1", tokensIn: 0, tokensOut: 0 });
  });

  it("reaches the word budget in paragraphs that use the key points", async () => {
    const { text } = await new OfflineWriter().complete(section(1, 600));
    expect(countWords(text)).toBeGreaterThanOrEqual(600);
    expect(countWords(text)).toBeLessThan(700);
    expect(text.split("\n\n").length).toBeGreaterThan(2);
    expect(text).toMatch(/tolls|milestones/);
  });

  it("plans the asked number of sections, introduction first and conclusion last", async () => {
    const { text } = await new OfflineWriter().complete({
      system: "s",
      prompt: "p",
      json: true,
      intent: { kind: "outline", topic: "Roman roads", language: "en", sectionCount: 12 },
    });
    const headings = JSON.parse(text).sections.map((s: { heading: string }) => s.heading);
    expect(headings).toHaveLength(12);
    expect(headings[0]).toBe("Introduction");
    expect(headings[11]).toBe("Conclusion");
    expect(new Set(headings).size).toBe(12);
  });
});
