// Issue 23, item 2: generated bodies posted to every form action of the order wizard, the documents' pages, sign-in, welcome and the language switcher, over HTTP.
// FUZZ_SEED and FUZZ_RUNS (README, "Tests") make longer runs; a failure prints the shrunk request.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type App, signedInCustomer, startApp } from "./app";
import { formActions } from "./form-actions";
import { FORM_GROUPS, fuzzFormAction, sent } from "./fuzz-forms";
import { FUZZ_RUNS, FUZZ_SEED, sendWithLyingLength } from "./fuzz";

let app: App;
beforeAll(async () => {
  // Each run may ask a code for the same address: the allowance per address (5 an hour) would refuse the rest.
  app = await startApp({ SIGNIN_CODES_PER_EMAIL_PER_HOUR: "1000" });
});
afterAll(async () => {
  console.info(`fuzz-forms-orders: seed ${FUZZ_SEED}, ${FUZZ_RUNS} runs a property, ${JSON.stringify(sent)}`);
  await app?.stop();
});

const actions = formActions(() => app).filter((action) => FORM_GROUPS.orders.test(action.route));

describe("generated bodies never get a 5xx, a refusal says why and writes nothing", () => {
  it("every form action is fuzzed by one of the two files", () => {
    const routes = formActions(() => app).map((action) => action.route);
    const unclaimed = routes.filter((route) => !FORM_GROUPS.orders.test(route) && !FORM_GROUPS.account.test(route));
    const twice = routes.filter((route) => FORM_GROUPS.orders.test(route) && FORM_GROUPS.account.test(route));
    expect({ unclaimed, twice }).toEqual({ unclaimed: [], twice: [] });
  });

  for (const action of actions) {
    it(`${action.route} (${Object.keys(action.valid).join(", ")}): mutated bodies in every encoding, and lying lengths`, async () => {
      await fuzzFormAction(app, action);
    }, 600_000);
  }
});

// What the fuzz found, kept as plain requests.
describe("regressions found by the fuzz", () => {
  it("a form whose Content-Length is shorter than its body is answered 400 with a sentence, not a bare status line", async () => {
    const { client } = await signedInCustomer(app);
    const body = Buffer.from("lng=it&redirectTo=%2Fdocuments");
    const headers = {
      accept: "text/html",
      cookie: client.cookieHeader(),
      origin: app.url,
      "content-type": "application/x-www-form-urlencoded",
    };
    const answer = await sendWithLyingLength(`${app.url}/language`, headers, body, body.length - 1);
    expect(answer.status).toBe(400);
    expect(answer.contentType).toMatch(/^text\/plain/);
    expect(answer.text).toContain("could not be read as HTTP");
  });
});
