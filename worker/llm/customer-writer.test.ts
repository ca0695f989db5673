import { describe, expect, it } from "vitest";
import { scrubSecret } from "./customer-writer";

describe("scrubSecret", () => {
  const key = "sk-proj-abcdefgh0123456789ijklmnop";

  it("takes the key out of a message, whole or echoed in part as providers do", () => {
    expect(scrubSecret(`401 Incorrect API key provided: ${key}.`, key)).toBe(
      "401 Incorrect API key provided: [redacted].",
    );
    expect(scrubSecret("Incorrect API key provided: sk-proj-****************ijklmnop.", key)).not.toContain("ijklmnop");
    expect(scrubSecret("key sk-proj-ab… refused", key)).toBe("key sk-proj-ab… refused");
    expect(scrubSecret("connect ECONNREFUSED 127.0.0.1:9", key)).toBe("connect ECONNREFUSED 127.0.0.1:9");
  });
});
