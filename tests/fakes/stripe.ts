// A local stand-in for the Stripe API (Checkout Sessions, refunds, payment intents, webhooks), so tests drive the real
// `stripe` SDK over HTTP: `new Stripe(key, { host: fake.host, port: fake.port, protocol: "http" })`. It speaks Stripe's
// wire format (form-encoded bodies with bracketed keys, JSON answers, `{ error: { type, code, message } }` on 4xx),
// replays answers per `Idempotency-Key`, serves a one-button hosted checkout page that delivers a signed
// `checkout.session.completed` webhook, can add latency and inject API errors, and keeps every request it received.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import Stripe from "stripe";

export type FakeStripeRequest = {
  method: string;
  /** Path without the query string; a GET's query is parsed into `body`. */
  path: string;
  idempotencyKey?: string;
  stripeVersion?: string;
  body: Record<string, unknown>;
};
export type WebhookDelivery = { eventId: string; type: string; status: number };
export type FakeStripeEvent = { id: string; type: string; [k: string]: unknown };

export type FakeStripe = {
  /** Base URL, e.g. http://127.0.0.1:23120 (the SDK takes `host` and `port`, not a URL). */
  url: string;
  host: string;
  port: number;
  /** Every /v1 request, in order, including ones answered by an injected fault or an idempotent replay. */
  requests: FakeStripeRequest[];
  sessions: Map<string, any>;
  paymentIntents: Map<string, any>;
  refunds: any[];
  /**
   * Mark a session paid as the hosted page would (without a browser) and return the session. Delivers no webhook.
   * `evenIfExpired`: Stripe took the money as the session was being expired (their race), as a test of ours needs.
   */
  completeSession(id: string, options?: { evenIfExpired?: boolean }): any;
  /** Expire an open session, as `POST /v1/checkout/sessions/:id/expire` would. Delivers no webhook. */
  expireSession(id: string): any;
  /** An event object as Stripe would send it; `data.object` is a snapshot of `object`. */
  event(type: string, object: unknown, id?: string): FakeStripeEvent;
  /** Body and Stripe-Signature header for posting `event` to a webhook endpoint. */
  signed(event: unknown, secret: string): { payload: string; headers: Record<string, string> };
  /** Post a signed event to the configured webhook URL; resolves with the answer's status (0 when unreachable). */
  deliver(event: FakeStripeEvent): Promise<number>;
  /** The webhook deliveries the fake made: event id, type, response status (0 when the endpoint was unreachable). */
  deliveries: WebhookDelivery[];
  /** The next `count` API requests answer with this HTTP status (nothing is created; no idempotent result is kept). */
  failNext(status: number, count?: number): void;
  /**
   * Holds the next API request to `method path` until `release()`: `arrived` resolves when it is received. A test
   * makes a race deterministic with it (what the app does while it waits for Stripe).
   */
  pauseNext(method: string, path: string): { arrived: Promise<void>; release: () => void };
  /** Where webhooks go from now on (an app started after the fake learns its address this way). */
  setWebhookUrl(url: string): void;
  /**
   * Whether a refund made through the API is followed by Stripe's `charge.refunded` webhook (the charge with its
   * cumulative `amount_refunded`): "before-answer" delivers it, and waits for the endpoint's answer, before the refund
   * request is answered (Stripe gives no order between the two); "after-answer" right after. Default "none".
   */
  setRefundEvents(mode: RefundEvents): void;
  setLatency(ms: number): void;
  close(): Promise<void>;
};

export type RefundEvents = "none" | "before-answer" | "after-answer";

export type FakeStripeOptions = {
  port?: number;
  webhookUrl?: string;
  webhookSecret?: string;
  latencyMs?: number;
  /** Called with one line per webhook delivery (the CLI prints them). */
  log?: (line: string) => void;
};

type StripeErrorBody = { type: string; message: string; code?: string; param?: string };

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: StripeErrorBody,
    /** Stripe keeps the result for the idempotency key once the endpoint ran, but not for rejected parameters. */
    readonly replayable = false,
  ) {
    super(error.message);
  }
}

type ApiResult = { status: number; body: unknown; replayable: boolean };
type LineItem = { id: string; name: string; quantity: number; unitAmount: number; currency: string };

const ZERO_DECIMAL = new Set("bif clp djf gnf jpy kmf krw mga pyg rwf ugx vnd vuv xaf xof xpf".split(" "));
const REFUND_REASONS = new Set(["duplicate", "fraudulent", "requested_by_customer"]);

export async function startFakeStripe(given: FakeStripeOptions = {}): Promise<FakeStripe> {
  const options = { ...given };
  const requests: FakeStripeRequest[] = [];
  const sessions = new Map<string, any>();
  const lineItems = new Map<string, LineItem[]>();
  const paymentIntentMetadata = new Map<string, Record<string, unknown>>();
  const paymentIntents = new Map<string, any>();
  const refunds: any[] = [];
  const deliveries: WebhookDelivery[] = [];
  const faults: number[] = [];
  const idempotent = new Map<string, { fingerprint: string; status: number; body: string }>();
  const pending = new Set<Promise<unknown>>();
  let latencyMs = options.latencyMs ?? 0;
  let refundEvents: RefundEvents = "none";
  const pauses: { method: string; path: string; arrive: () => void; released: Promise<void> }[] = [];
  let baseUrl = "";

  const now = () => Math.floor(Date.now() / 1000);

  function findSession(id: string): any {
    const session = sessions.get(id);
    if (!session) {
      throw new ApiError(404, {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "session",
        message: `No such checkout.session: '${id}'`,
      });
    }
    return session;
  }

  function createSession(body: Record<string, any>): any {
    const mode = optionalString(body.mode) ?? "payment";
    if (!["payment", "setup", "subscription"].includes(mode)) {
      throw invalid(`Invalid mode: must be one of payment, setup, or subscription`, "mode");
    }
    const rawItems: any[] = Array.isArray(body.line_items) ? body.line_items : [];
    if (mode === "payment" && rawItems.length === 0) {
      throw invalid(
        "You must provide at least one line item when `mode` is `payment`.",
        "line_items",
        "parameter_missing",
      );
    }
    const items: LineItem[] = rawItems.map((item, i) => {
      const at = `line_items[${i}]`;
      if (item?.price) {
        throw new ApiError(400, {
          type: "invalid_request_error",
          code: "resource_missing",
          param: `${at}[price]`,
          message: `No such price: '${item.price}' (the fake Stripe only knows price_data)`,
        });
      }
      const priceData = item?.price_data;
      if (!priceData)
        throw invalid(`Missing required param: ${at}[price_data].`, `${at}[price_data]`, "parameter_missing");
      const currency = optionalString(priceData.currency)?.toLowerCase();
      if (!currency)
        throw invalid(
          `Missing required param: ${at}[price_data][currency].`,
          `${at}[price_data][currency]`,
          "parameter_missing",
        );
      const name = optionalString(priceData.product_data?.name) ?? optionalString(priceData.product);
      if (!name)
        throw invalid(
          `Missing required param: ${at}[price_data][product_data].`,
          `${at}[price_data][product_data]`,
          "parameter_missing",
        );
      if (priceData.unit_amount === undefined) {
        throw invalid(
          `Missing required param: ${at}[price_data][unit_amount].`,
          `${at}[price_data][unit_amount]`,
          "parameter_missing",
        );
      }
      const unitAmount = integer(priceData.unit_amount, `${at}[price_data][unit_amount]`, 0);
      const quantity = item.quantity === undefined ? 1 : integer(item.quantity, `${at}[quantity]`, 1);
      return { id: stripeId("li"), name, quantity, unitAmount, currency };
    });
    const currencies = new Set(items.map((item) => item.currency));
    if (currencies.size > 1) throw invalid("All line items must use the same currency.", "line_items");
    const amount = items.reduce((sum, item) => sum + item.unitAmount * item.quantity, 0);
    const created = now();
    const id = stripeId("cs_test", 58);
    const session = {
      id,
      object: "checkout.session",
      livemode: false,
      mode,
      ui_mode: "hosted",
      status: "open",
      payment_status: mode === "setup" ? "no_payment_required" : "unpaid",
      amount_subtotal: amount,
      amount_total: amount,
      currency: items[0]?.currency ?? optionalString(body.currency) ?? null,
      metadata: isObject(body.metadata) ? body.metadata : {},
      client_reference_id: optionalString(body.client_reference_id) ?? null,
      customer: optionalString(body.customer) ?? null,
      customer_email: optionalString(body.customer_email) ?? null,
      customer_details: null,
      locale: optionalString(body.locale) ?? null,
      payment_method_types: Array.isArray(body.payment_method_types) ? body.payment_method_types : ["card"],
      success_url: optionalString(body.success_url) ?? null,
      cancel_url: optionalString(body.cancel_url) ?? null,
      payment_intent: null,
      expires_at: body.expires_at === undefined ? created + 24 * 3600 : integer(body.expires_at, "expires_at", created),
      created,
      url: `${baseUrl}/checkout/${id}`,
    };
    sessions.set(id, session);
    lineItems.set(id, items);
    if (isObject(body.payment_intent_data?.metadata)) paymentIntentMetadata.set(id, body.payment_intent_data.metadata);
    return session;
  }

  function completeSession(id: string, how: { evenIfExpired?: boolean } = {}): any {
    const session = sessions.get(id);
    if (!session) throw new Error(`fake Stripe: no checkout session ${id}`);
    if (session.status === "complete") return session;
    if (session.status !== "open" && !(how.evenIfExpired && session.status === "expired"))
      throw new Error(`fake Stripe: checkout session ${id} is ${session.status}, not open`);
    const paymentIntent = {
      id: stripeId("pi"),
      object: "payment_intent",
      livemode: false,
      amount: session.amount_total,
      amount_received: session.amount_total,
      currency: session.currency,
      status: "succeeded",
      latest_charge: stripeId("ch"),
      metadata: paymentIntentMetadata.get(id) ?? {},
      created: now(),
    };
    paymentIntents.set(paymentIntent.id, paymentIntent);
    Object.assign(session, {
      status: "complete",
      payment_status: "paid",
      payment_intent: paymentIntent.id,
      customer_details: { email: session.customer_email ?? "buyer@example.com", name: "Fake Buyer" },
      // Stripe only gives a URL while the session is open.
      url: null,
    });
    return session;
  }

  function expireSession(id: string): any {
    const session = findSession(id);
    if (session.status !== "open") {
      throw new ApiError(
        400,
        {
          type: "invalid_request_error",
          code: "checkout_session_not_open",
          message: `Only Checkout Sessions with a status of \`open\` can be expired; ${id} is \`${session.status}\`.`,
        },
        true,
      );
    }
    Object.assign(session, { status: "expired", url: null });
    return session;
  }

  function createRefund(body: Record<string, any>): any {
    let paymentIntent: any;
    if (body.payment_intent !== undefined) {
      paymentIntent = paymentIntents.get(String(body.payment_intent));
      if (!paymentIntent) {
        throw new ApiError(404, {
          type: "invalid_request_error",
          code: "resource_missing",
          param: "payment_intent",
          message: `No such payment_intent: '${body.payment_intent}'`,
        });
      }
    } else if (body.charge !== undefined) {
      paymentIntent = [...paymentIntents.values()].find((pi) => pi.latest_charge === String(body.charge));
      if (!paymentIntent) {
        throw new ApiError(404, {
          type: "invalid_request_error",
          code: "resource_missing",
          param: "charge",
          message: `No such charge: '${body.charge}'`,
        });
      }
    } else {
      throw invalid("One of `charge` or `payment_intent` is required.", "payment_intent", "parameter_missing");
    }
    const reason = optionalString(body.reason);
    if (reason !== undefined && !REFUND_REASONS.has(reason)) {
      throw invalid(`Invalid reason: must be one of ${[...REFUND_REASONS].join(", ")}`, "reason");
    }
    const alreadyRefunded = refunds
      .filter((r) => r.payment_intent === paymentIntent.id && r.status === "succeeded")
      .reduce((sum, r) => sum + r.amount, 0);
    const remaining = paymentIntent.amount - alreadyRefunded;
    if (remaining <= 0) {
      throw new ApiError(
        400,
        {
          type: "invalid_request_error",
          code: "charge_already_refunded",
          message: `Charge ${paymentIntent.latest_charge} has already been refunded.`,
        },
        true,
      );
    }
    const amount = body.amount === undefined ? remaining : integer(body.amount, "amount", 1);
    if (amount > remaining) {
      throw new ApiError(
        400,
        {
          type: "invalid_request_error",
          code: "charge_already_refunded",
          param: "amount",
          message: `Refund amount (${formatMoney(amount, paymentIntent.currency)}) is greater than unrefunded amount on charge (${formatMoney(remaining, paymentIntent.currency)})`,
        },
        true,
      );
    }
    const refund = {
      id: stripeId("re"),
      object: "refund",
      amount,
      charge: paymentIntent.latest_charge,
      created: now(),
      currency: paymentIntent.currency,
      metadata: isObject(body.metadata) ? body.metadata : {},
      payment_intent: paymentIntent.id,
      reason: reason ?? null,
      receipt_number: null,
      status: "succeeded",
    };
    refunds.push(refund);
    return refund;
  }

  function findRefund(id: string): any {
    const refund = refunds.find((r) => r.id === id);
    if (!refund) {
      throw new ApiError(404, {
        type: "invalid_request_error",
        code: "resource_missing",
        param: "id",
        message: `No such refund: '${id}'`,
      });
    }
    return refund;
  }

  function expandSession(session: any, body: Record<string, any>): any {
    const expand: unknown[] = Array.isArray(body.expand) ? body.expand : [];
    if (!expand.length) return session;
    const out = { ...session };
    if (expand.includes("payment_intent") && session.payment_intent)
      out.payment_intent = paymentIntents.get(session.payment_intent);
    if (expand.includes("line_items")) {
      out.line_items = list(
        (lineItems.get(session.id) ?? []).map((item) => ({
          id: item.id,
          object: "item",
          amount_subtotal: item.unitAmount * item.quantity,
          amount_total: item.unitAmount * item.quantity,
          currency: item.currency,
          description: item.name,
          quantity: item.quantity,
          price: { object: "price", unit_amount: item.unitAmount, currency: item.currency, type: "one_time" },
        })),
        `/v1/checkout/sessions/${session.id}/line_items`,
      );
    }
    return out;
  }

  function route(method: string, path: string, body: Record<string, any>): { status: number; body: unknown } {
    const ok = (payload: unknown) => ({ status: 200, body: payload });
    let m: RegExpExecArray | null;
    if (path === "/v1/checkout/sessions" && method === "POST") return ok(expandSession(createSession(body), body));
    if ((m = /^\/v1\/checkout\/sessions\/([^/]+)$/.exec(path)) && method === "GET") {
      return ok(expandSession(findSession(decodeURIComponent(m[1])), body));
    }
    if ((m = /^\/v1\/checkout\/sessions\/([^/]+)\/expire$/.exec(path)) && method === "POST") {
      const session = expireSession(decodeURIComponent(m[1]));
      // Stripe tells the endpoint about it, asynchronously.
      if (options.webhookUrl && options.webhookSecret) track(deliver(event("checkout.session.expired", session)));
      return ok(session);
    }
    if (path === "/v1/refunds" && method === "POST") return ok(createRefund(body));
    if (path === "/v1/refunds" && method === "GET") {
      const pi = optionalString(body.payment_intent);
      return ok(list(refunds.filter((r) => !pi || r.payment_intent === pi).reverse(), "/v1/refunds"));
    }
    if ((m = /^\/v1\/refunds\/([^/]+)$/.exec(path)) && method === "GET")
      return ok(findRefund(decodeURIComponent(m[1])));
    if ((m = /^\/v1\/payment_intents\/([^/]+)$/.exec(path)) && method === "GET") {
      const paymentIntent = paymentIntents.get(decodeURIComponent(m[1]));
      if (!paymentIntent) {
        throw new ApiError(404, {
          type: "invalid_request_error",
          code: "resource_missing",
          param: "intent",
          message: `No such payment_intent: '${m[1]}'`,
        });
      }
      return ok(paymentIntent);
    }
    throw new ApiError(404, {
      type: "invalid_request_error",
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, raw: string) {
    const method = req.method ?? "GET";
    const hasBody = method === "POST";
    const body = parseStripeForm(hasBody ? raw : url.search.slice(1));
    const idempotencyKey = header(req, "idempotency-key");
    requests.push({ method, path: url.pathname, idempotencyKey, stripeVersion: header(req, "stripe-version"), body });
    const pause = pauses.findIndex((p) => p.method === method && p.path === url.pathname);
    if (pause !== -1) {
      const [held] = pauses.splice(pause, 1);
      held.arrive();
      await held.released;
    }
    if (latencyMs) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const reply = (status: number, payload: string, extra: Record<string, string> = {}) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "request-id": stripeId("req", 14),
        ...(idempotencyKey && hasBody ? { "idempotency-key": idempotencyKey } : {}),
        ...extra,
      });
      res.end(payload);
    };
    const replyError = (status: number, error: StripeErrorBody) => reply(status, JSON.stringify({ error }, null, 2));

    if (!/^Bearer \S+$/.test(req.headers.authorization ?? "")) {
      return replyError(401, {
        type: "invalid_request_error",
        message: "You did not provide an API key. You need to provide your API key in the Authorization header.",
      });
    }
    const fault = faults.shift();
    if (fault !== undefined) return replyError(fault, faultError(fault));

    const fingerprint = `${method} ${url.pathname}\n${raw}`;
    if (hasBody && idempotencyKey) {
      const saved = idempotent.get(idempotencyKey);
      if (saved && saved.fingerprint !== fingerprint) {
        return replyError(400, {
          type: "idempotency_error",
          message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`,
        });
      }
      if (saved) return reply(saved.status, saved.body, { "idempotent-replayed": "true" });
    }
    let result: ApiResult;
    try {
      const { status, body: payload } = route(method, url.pathname, body);
      result = { status, body: payload, replayable: true };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      result = { status: err.status, body: { error: err.error }, replayable: err.replayable };
    }
    const text = JSON.stringify(result.body, null, 2);
    if (hasBody && idempotencyKey && result.replayable)
      idempotent.set(idempotencyKey, { fingerprint, status: result.status, body: text });
    if (method === "POST" && url.pathname === "/v1/refunds" && result.status === 200 && refundEvents !== "none") {
      const refunded = chargeRefunded((result.body as { payment_intent: string }).payment_intent);
      if (refundEvents === "before-answer") await deliver(refunded);
      else track(deliver(refunded));
    }
    reply(result.status, text);
  }

  async function hosted(req: IncomingMessage, res: ServerResponse, url: URL) {
    const m = /^\/checkout\/([^/]+)(?:\/(pay|cancel))?$/.exec(url.pathname);
    const session = m ? sessions.get(decodeURIComponent(m[1])) : undefined;
    const action = m?.[2];
    const html = (status: number, title: string, content: string) => {
      res.writeHead(status, {
        "content-type": "text/html; charset=utf-8",
        // The page loads nothing and runs nothing; form-action is left open because the POST redirects to the app.
        "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'",
      });
      res.end(page(title, content));
    };
    const redirect = (location: string) => {
      res.writeHead(303, { location });
      res.end();
    };
    if (!session) return html(404, "Not found", `<h1>Checkout Session not found</h1>`);
    const id: string = session.id;
    const successUrl = () =>
      session.success_url ? String(session.success_url).replaceAll("{CHECKOUT_SESSION_ID}", id) : null;

    if (action === undefined && req.method === "GET") {
      if (session.status === "expired") return html(410, "Expired", `<h1>This Checkout Session has expired</h1>`);
      if (session.status === "complete") {
        const back = successUrl();
        return html(
          200,
          "Paid",
          `<h1>This payment is complete</h1>${back ? `<p><a href="${escapeHtml(back)}">Back to the shop</a></p>` : ""}`,
        );
      }
      const items = (lineItems.get(id) ?? [])
        .map(
          (item) =>
            `<li><span>${escapeHtml(item.name)}${item.quantity > 1 ? ` × ${item.quantity}` : ""}</span> <span>${escapeHtml(formatMoney(item.unitAmount * item.quantity, item.currency))}</span></li>`,
        )
        .join("");
      return html(
        200,
        "Fake Stripe Checkout",
        `<h1>Fake Stripe Checkout</h1>
<p class="note">Test mode: no card is charged.</p>
<ul>${items}</ul>
<p class="total">Total <strong data-testid="amount">${escapeHtml(formatMoney(session.amount_total ?? 0, session.currency ?? "usd"))}</strong></p>
${session.customer_email ? `<p>${escapeHtml(session.customer_email)}</p>` : ""}
<form method="post" action="/checkout/${encodeURIComponent(id)}/pay"><button type="submit">Pay</button></form>
<p><a href="/checkout/${encodeURIComponent(id)}/cancel">Cancel</a></p>`,
      );
    }
    if (action === "pay" && req.method === "POST") {
      if (session.status === "expired") return html(410, "Expired", `<h1>This Checkout Session has expired</h1>`);
      if (session.status === "open") {
        completeSession(id);
        if (options.webhookUrl && options.webhookSecret) await deliver(event("checkout.session.completed", session));
      }
      const back = successUrl();
      return back ? redirect(back) : html(200, "Paid", `<h1>Payment complete</h1>`);
    }
    if (action === "cancel" && req.method === "GET") {
      return session.cancel_url
        ? redirect(String(session.cancel_url))
        : html(200, "Cancelled", `<h1>Payment cancelled</h1>`);
    }
    return html(405, "Method not allowed", `<h1>Method not allowed</h1>`);
  }

  /** `charge.refunded` for a payment intent's charge, with everything refunded of it so far. */
  function chargeRefunded(paymentIntentId: string): FakeStripeEvent {
    const paymentIntent = paymentIntents.get(paymentIntentId);
    const amountRefunded = refunds
      .filter((r) => r.payment_intent === paymentIntentId && r.status === "succeeded")
      .reduce((sum, r) => sum + r.amount, 0);
    return event("charge.refunded", {
      id: paymentIntent.latest_charge,
      object: "charge",
      amount: paymentIntent.amount,
      amount_captured: paymentIntent.amount,
      amount_refunded: amountRefunded,
      currency: paymentIntent.currency,
      paid: true,
      payment_intent: paymentIntentId,
      refunded: amountRefunded >= paymentIntent.amount,
      status: "succeeded",
      created: paymentIntent.created,
      livemode: false,
    });
  }

  function event(type: string, object: unknown, id?: string): FakeStripeEvent {
    return {
      id: id ?? stripeId("evt"),
      object: "event",
      type,
      api_version: Stripe.API_VERSION,
      created: now(),
      livemode: false,
      pending_webhooks: 1,
      request: { id: null, idempotency_key: null },
      data: { object: structuredClone(object) },
    };
  }

  function signed(evt: unknown, secret: string) {
    // Stripe sends pretty-printed JSON: an endpoint must verify the raw bytes, not a re-serialised body.
    const payload = JSON.stringify(evt, null, 2);
    return {
      payload,
      headers: {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
        "Stripe-Signature": Stripe.webhooks.generateTestHeaderString({ payload, secret }),
      },
    };
  }

  async function deliver(evt: FakeStripeEvent): Promise<number> {
    if (!options.webhookUrl || !options.webhookSecret)
      throw new Error("fake Stripe was started without webhookUrl and webhookSecret");
    const { payload, headers } = signed(evt, options.webhookSecret);
    let status = 0;
    try {
      const response = await fetch(options.webhookUrl, {
        method: "POST",
        headers,
        body: payload,
        signal: AbortSignal.timeout(30_000),
      });
      status = response.status;
      await response.arrayBuffer();
    } catch {
      // Unreachable endpoint: recorded as status 0, as Stripe's dashboard shows a failed delivery.
    }
    deliveries.push({ eventId: evt.id, type: evt.type, status });
    options.log?.(`webhook ${evt.type} ${evt.id} -> ${status || "unreachable"}`);
    return status;
  }

  function track(promise: Promise<unknown>) {
    const settled = promise.catch(() => undefined).finally(() => pending.delete(settled));
    pending.add(settled);
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://fake.invalid");
      const raw = await readBody(req);
      if (url.pathname.startsWith("/v1/")) return api(req, res, url, raw);
      if (url.pathname.startsWith("/checkout/")) return hosted(req, res, url);
      res.writeHead(url.pathname === "/" ? 200 : 404, { "content-type": "text/plain; charset=utf-8" });
      res.end(url.pathname === "/" ? "fake Stripe\n" : "not found\n");
    })().catch((err: unknown) => {
      // A bug in the fake: answer like Stripe's 500 rather than crash the test process.
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { type: "api_error", message: `fake Stripe failed: ${String(err)}` } }));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    host: "127.0.0.1",
    port,
    requests,
    sessions,
    paymentIntents,
    refunds,
    deliveries,
    completeSession,
    expireSession: (id) => {
      try {
        return expireSession(id);
      } catch (err) {
        throw err instanceof ApiError ? new Error(`fake Stripe: ${err.message}`) : err;
      }
    },
    event,
    signed,
    deliver,
    failNext: (status, count = 1) => {
      for (let i = 0; i < count; i++) faults.push(status);
    },
    pauseNext: (method, path) => {
      let arrive!: () => void;
      let release!: () => void;
      const arrived = new Promise<void>((resolve) => (arrive = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      pauses.push({ method, path, arrive, released });
      return { arrived, release };
    },
    setWebhookUrl: (url) => {
      options.webhookUrl = url;
    },
    setRefundEvents: (mode) => {
      refundEvents = mode;
    },
    setLatency: (ms) => {
      latencyMs = ms;
    },
    close: async () => {
      await Promise.all(pending);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
    },
  };
}

/** Stripe's form encoding: `a[b][c]=1` → `{ a: { b: { c: "1" } } }`, `items[0][q]=1` and `expand[]=x` → arrays. Values stay strings. */
export function parseStripeForm(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^\]]*\])*)$/.exec(key);
    const path = match ? [match[1], ...[...match[2].matchAll(/\[([^\]]*)\]/g)].map((m) => m[1])] : [key];
    if (path.some((segment) => segment === "__proto__" || segment === "constructor" || segment === "prototype"))
      continue;
    let node: any = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i];
      const slot: string | number = Array.isArray(node) ? (segment === "" ? node.length : Number(segment)) : segment;
      if (i === path.length - 1) {
        node[slot] = value;
        break;
      }
      if (node[slot] === null || typeof node[slot] !== "object") {
        // Metadata keys are the caller's: `metadata[0]` is a key, not an index.
        node[slot] = /^\d*$/.test(path[i + 1]) && segment !== "metadata" ? [] : {};
      }
      node = node[slot];
    }
  }
  return root;
}

function faultError(status: number): StripeErrorBody {
  if (status === 429) {
    return {
      type: "invalid_request_error",
      code: "rate_limit",
      message: "Too many requests hit the API too quickly (injected by the fake).",
    };
  }
  if (status === 401)
    return { type: "invalid_request_error", message: "Invalid API Key provided (injected by the fake)." };
  if (status === 402)
    return { type: "card_error", code: "card_declined", message: "Your card was declined (injected by the fake)." };
  if (status >= 500) return { type: "api_error", message: `Injected ${status} (fake Stripe).` };
  return { type: "invalid_request_error", message: `Injected ${status} (fake Stripe).` };
}

function invalid(message: string, param: string, code = "parameter_invalid"): ApiError {
  return new ApiError(400, { type: "invalid_request_error", code, param, message });
}

function integer(value: unknown, param: string, min: number): number {
  const text = String(value);
  if (!/^-?\d+$/.test(text)) throw invalid(`Invalid integer: ${text}`, param, "parameter_invalid_integer");
  const n = Number(text);
  if (n < min) throw invalid(`Invalid ${param}: must be at least ${min}`, param, "parameter_invalid_integer");
  return n;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function list(data: unknown[], url: string) {
  return { object: "list", data, has_more: false, url };
}

const ID_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
function stripeId(prefix: string, length = 24): string {
  const bytes = randomBytes(length);
  let out = "";
  for (const byte of bytes) out += ID_ALPHABET[byte % ID_ALPHABET.length];
  return `${prefix}_${out}`;
}

function formatMoney(amount: number, currency: string): string {
  const code = currency.toLowerCase();
  const units = ZERO_DECIMAL.has(code) ? amount : amount / 100;
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency: code.toUpperCase() }).format(units);
  } catch {
    return `${units.toFixed(ZERO_DECIMAL.has(code) ? 0 : 2)} ${code.toUpperCase()}`;
  }
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; background: #f6f9fc; color: #1a1f36; margin: 0; }
main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 2rem; border-radius: 8px; box-shadow: 0 2px 8px rgba(0,0,0,.08); }
ul { list-style: none; padding: 0; } li { display: flex; justify-content: space-between; padding: .25rem 0; }
.total { display: flex; justify-content: space-between; border-top: 1px solid #e3e8ee; padding-top: .75rem; font-size: 1.1rem; }
.note { color: #697386; font-size: .9rem; }
button { width: 100%; padding: .75rem; font-size: 1rem; background: #635bff; color: #fff; border: 0; border-radius: 6px; cursor: pointer; }
</style>
</head>
<body><main>
${content}
</main></body>
</html>
`;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

// `node --import tsx tests/fakes/stripe.ts --port 23120 --webhook-url http://localhost:23101/api/stripe/webhook
// --webhook-secret whsec_...` runs it on its own (Playwright starts it this way).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at === -1 ? undefined : process.argv[at + 1];
  };
  startFakeStripe({
    port: Number(arg("port") ?? 23120),
    webhookUrl: arg("webhook-url"),
    webhookSecret: arg("webhook-secret") ?? process.env.STRIPE_WEBHOOK_SECRET,
    latencyMs: Number(arg("latency") ?? 0),
    log: (line) => console.log(line),
  }).then((fake) => {
    console.log(`fake Stripe listening at ${fake.url}`);
    const stop = () => void fake.close().then(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
