// Issue 23, item 2: generated bodies posted to every form action of the account's pages, the admin pages and sign-out, over HTTP.
// FUZZ_SEED and FUZZ_RUNS (README, "Tests") make longer runs; a failure prints the shrunk request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeOpenAI, type FakeOpenAI } from "../fakes/openai";
import { type App, signedInCustomer, startApp } from "./app";
import { formActions } from "./form-actions";
import { FORM_GROUPS, fuzzFormAction, refusalMessage, sent } from "./fuzz-forms";
import { FUZZ_RUNS, FUZZ_SEED } from "./fuzz";

let app: App;
/** The OpenAI-compatible server a customer's own key is checked against (an unreachable one is a 502 by design). */
let openai: FakeOpenAI;
beforeAll(async () => {
  [app, openai] = await Promise.all([startApp(), startFakeOpenAI()]);
});
afterAll(async () => {
  await openai?.close();
  console.info(`fuzz-forms-account: seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs a property, ${JSON.stringify(sent)}`);
  await app?.stop();
});

const actions = formActions(() => app).filter((action) => FORM_GROUPS.account.test(action.route));

describe("generated bodies never get a 5xx, a refusal says why and writes nothing", () => {
  for (const action of actions) {
    it(`${action.route} (${Object.keys(action.valid).join(", ")}): mutated bodies in every encoding, and lying lengths`, async () => {
      await fuzzFormAction(app, action, (valid) =>
        action.route === "account.llm-key.tsx" ? { ...valid, baseUrl: openai.url } : valid,
      );
    }, 600_000);
  }
});

// What the fuzz found, kept as plain requests.
describe("regressions found by the fuzz", () => {
  it("an API key form whose scopes come as an object (scopes=…&scopes.x=…) is refused 400 with a message, not a 500", async () => {
    const { client, userId } = await signedInCustomer(app);
    const reply = await client.fetch("/account/api-keys", {
      method: "POST",
      body: "intent=0&name=Grading+portal&scopes=orders%3Aread&scopes.x=create",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "text/html" },
    });
    expect(reply.status).toBe(400);
    expect(refusalMessage(reply)).not.toBe("");
    expect(await app.db.selectFrom("api_keys").select("id").where("user_id", "=", userId).execute()).toEqual([]);
  });
});
