import { describe, expect, it } from "vitest";
import { invariantResponse } from "./invariant";

function thrownBy(run: () => void): unknown {
  try {
    run();
  } catch (thrown) {
    return thrown;
  }
  return undefined;
}

describe("invariantResponse", () => {
  it("throws a Response with the message and the status asked for when the condition fails", async () => {
    const thrown = thrownBy(() => invariantResponse(undefined, "Not found", { status: 404 }));
    expect(thrown).toBeInstanceOf(Response);
    expect((thrown as Response).status).toBe(404);
    expect(await (thrown as Response).text()).toBe("Not found");
  });

  it("answers 400 unless told otherwise, and builds a message given as a function only when it fails", async () => {
    let built = 0;
    const message = () => `built ${++built}`;
    expect(thrownBy(() => invariantResponse("a document", message))).toBeUndefined();
    expect(built).toBe(0);
    const thrown = thrownBy(() => invariantResponse(0, message)) as Response;
    expect(thrown.status).toBe(400);
    expect(await thrown.text()).toBe("built 1");
  });
});
