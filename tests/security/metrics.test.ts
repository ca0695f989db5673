// Issue 18, item 8: /metrics in the Prometheus text format, only for monitoring holding METRICS_TOKEN, with the series
// the issue names (every one `tesigo_*`), URLs labelled by route so ids never become series, and alert rules and a
// dashboard that name only series the running app exports.
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { io as connectSocket } from "socket.io-client";
import { parse as parseYaml } from "yaml";
import { eventually } from "../setup/fixtures";
import { spawnWeb } from "../setup/web-process";
import { stopProcess } from "../setup/worker-process";
import { type App, Client, signedInCustomer, startApp } from "./app";
import { draftOrder } from "./money-app";

const METRICS_TOKEN = "monitoring-key-9e1c5a3f7b2d8e4a6c0f1b9d3e7a5c2f";
const MONITORING = { authorization: `Bearer ${METRICS_TOKEN}` };
const MONITORING_DIR = path.resolve(import.meta.dirname, "../../docs/monitoring");

let app: App;
let orderId: string;

beforeAll(async () => {
  app = await startApp({ METRICS_TOKEN });
  const { client } = await signedInCustomer(app);
  orderId = await draftOrder(client, { pages: 5 });
  expect((await client.post(`/orders/${orderId}/review`, { intent: "dev" })).location).toBe(`/documents/${orderId}`);
  await eventually("the order to be delivered", async () => {
    const { status } = await app.db
      .selectFrom("documents")
      .select("status")
      .where("id", "=", orderId)
      .executeTakeFirstOrThrow();
    return status === "completed" || status === "completed_with_warnings";
  });
  expect((await client.get(`/documents/${orderId}`)).status).toBe(200);
});
afterAll(() => app?.stop());

type Sample = { name: string; labels: Record<string, string>; value: number };
type Exposition = { types: Map<string, string>; samples: Sample[] };

/**
 * The Prometheus text format, strictly: `# HELP`/`# TYPE` lines and `name{label="value",…} number` samples; any other
 * line fails the test. A family's TYPE comes before its samples.
 */
function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  const sampleLine = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (-?(?:[0-9.e+-]+|\+?Inf|NaN))$/i;
  const labelPair = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)",?/gy;
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("# HELP ")) continue;
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1]!, type[2]!);
      continue;
    }
    const sample = sampleLine.exec(line);
    if (!sample) throw new Error(`not a line of the Prometheus text format: ${line}`);
    const labels: Record<string, string> = {};
    labelPair.lastIndex = 0;
    for (const pair of (sample[2] ?? "").matchAll(labelPair)) labels[pair[1]!] = pair[2]!.replace(/\\(.)/g, "$1");
    const family = sample[1]!.replace(/_(bucket|sum|count)$/, "");
    if (!types.has(sample[1]!) && !types.has(family)) throw new Error(`a sample before its # TYPE: ${line}`);
    // Prometheus reads NaN and Inf in any case (prom-client writes "Nan").
    const value = /nan/i.test(sample[3]!)
      ? NaN
      : /inf/i.test(sample[3]!)
        ? sample[3]!.startsWith("-")
          ? -Infinity
          : Infinity
        : Number(sample[3]);
    samples.push({ name: sample[1]!, labels, value });
  }
  return { types, samples };
}

/** Every series name a query may use: each family, and a histogram's _bucket, _sum and _count. */
function seriesNames(exposition: Exposition): Set<string> {
  const names = new Set<string>();
  for (const [name, type] of exposition.types) {
    names.add(name);
    if (type === "histogram" || type === "summary")
      for (const part of ["_bucket", "_sum", "_count"]) names.add(name + part);
  }
  return names;
}

function valueOf(exposition: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  return exposition.samples.find(
    (s) => s.name === name && Object.entries(labels).every(([key, value]) => s.labels[key] === value),
  )?.value;
}

async function scrape(): Promise<Exposition> {
  const reply = await new Client(app).get("/metrics", MONITORING);
  expect(reply.status, reply.text).toBe(200);
  expect(reply.headers.get("content-type")).toContain("text/plain");
  return parseExposition(reply.text);
}

/** The tesigo_* names a PromQL expression reads. */
function namesIn(expr: string): string[] {
  return [...expr.matchAll(/\btesigo_[a-z0-9_]+/g)].map((m) => m[0]);
}

describe("/metrics", () => {
  it("answers 401 to a request without METRICS_TOKEN, with a wrong one, or with it not sent as a Bearer token", async () => {
    const stranger = new Client(app);
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${METRICS_TOKEN.slice(0, -1)}x` },
      { authorization: `Bearer ${METRICS_TOKEN}extra` },
      { authorization: METRICS_TOKEN },
      { authorization: `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString("base64")}` },
    ]) {
      const reply = await stranger.get("/metrics", headers);
      expect(reply.status).toBe(401);
      expect(reply.text).not.toContain("tesigo_");
    }
    const { client: customer, userId } = await signedInCustomer(app);
    await app.db.updateTable("users").set({ role: "admin" }).where("id", "=", userId).execute();
    expect((await customer.get("/metrics")).status).toBe(401); // an admin's cookie is no token either
  });

  it("answers 404, as any unknown address, on a server with no METRICS_TOKEN configured", async () => {
    const web = await spawnWeb({ DATABASE_URL: app.databaseUrl, DATA_DIR: app.dataDir, METRICS_TOKEN: "" });
    try {
      for (const headers of [{}, MONITORING] as Record<string, string>[]) {
        const reply = await fetch(`${web.url}/metrics`, { headers });
        expect(reply.status).toBe(404);
        expect(await reply.text()).toContain("Page not found");
      }
    } finally {
      await stopProcess(web.process);
    }
  });

  it("holds every series the issue names, each called tesigo_*, with the numbers of the order just delivered", async () => {
    const payment = await app.db
      .selectFrom("payments")
      .select("id")
      .where("document_id", "=", orderId)
      .executeTakeFirstOrThrow();
    await app.db
      .insertInto("refunds")
      .values({ payment_id: payment.id, amount_cents: 250, reason: "metrics test", idempotency_key: "metrics-test" })
      .execute();
    await app.db
      .insertInto("provider_breakers")
      .values({ provider: "openai", state: "open", failure_times: "[]", opened_at: new Date(), updated_at: new Date() })
      .execute();
    const metrics = await scrape();

    for (const name of metrics.types.keys()) expect(name).toMatch(/^tesigo_/);
    const names = seriesNames(metrics);
    for (const name of [
      "tesigo_http_requests_total",
      "tesigo_http_request_duration_seconds_bucket",
      "tesigo_jobs_total",
      "tesigo_job_duration_seconds_bucket",
      "tesigo_llm_calls_total",
      "tesigo_llm_tokens_total",
      "tesigo_llm_cost_dollars_total",
      "tesigo_breaker_state",
      "tesigo_queue_depth",
      "tesigo_queue_oldest_waiting_seconds",
      "tesigo_sockets_connected",
      "tesigo_orders",
      "tesigo_refunds",
      "tesigo_process_resident_memory_bytes",
      "tesigo_nodejs_eventloop_lag_seconds",
    ])
      expect(names, name).toContain(name);

    const delivered =
      (valueOf(metrics, "tesigo_orders", { state: "completed" }) ?? 0) +
      (valueOf(metrics, "tesigo_orders", { state: "completed_with_warnings" }) ?? 0);
    expect(delivered).toBe(1);
    expect(valueOf(metrics, "tesigo_orders", { state: "draft" })).toBe(0);
    expect(valueOf(metrics, "tesigo_refunds", { status: "pending" })).toBe(1);
    expect(valueOf(metrics, "tesigo_refunds_amount_cents", { status: "pending" })).toBe(250);
    expect(valueOf(metrics, "tesigo_breaker_state", { provider: "openai", state: "open" })).toBe(1);
    expect(valueOf(metrics, "tesigo_breaker_state", { provider: "openai", state: "closed" })).toBe(0);
    expect(valueOf(metrics, "tesigo_queue_depth", { queue: "section.write" })).toBe(0);
    expect(valueOf(metrics, "tesigo_jobs_total", { queue: "document.plan", outcome: "completed" })).toBe(1);
    expect(valueOf(metrics, "tesigo_job_duration_seconds_count", { queue: "section.write" })).toBeGreaterThan(0);
    expect(valueOf(metrics, "tesigo_llm_calls_total", { provider: "offline", outcome: "success" })).toBeGreaterThan(0);

    // Tokens and cost are the token_usage table's, per provider and model.
    const usage = await app.db
      .selectFrom("token_usage")
      .select((eb) => [
        "provider",
        "model",
        eb.fn.sum<string>("tokens_in").as("tokens_in"),
        eb.fn.sum<string>("tokens_out").as("tokens_out"),
      ])
      .groupBy(["provider", "model"])
      .execute();
    expect(usage.length).toBeGreaterThan(0);
    for (const row of usage) {
      const labels = { provider: row.provider, model: row.model };
      expect(valueOf(metrics, "tesigo_llm_tokens_total", { ...labels, direction: "in" })).toBe(Number(row.tokens_in));
      expect(valueOf(metrics, "tesigo_llm_tokens_total", { ...labels, direction: "out" })).toBe(Number(row.tokens_out));
    }
    const pageViews = metrics.samples.filter(
      (s) => s.name === "tesigo_http_requests_total" && s.labels.route === "routes/documents.$id",
    );
    expect(pageViews.map((s) => s.labels)).toContainEqual({
      method: "GET",
      route: "routes/documents.$id",
      status: "200",
    });
  });

  it("labels requests by route, never by URL: a scanner's made-up paths and other orders' ids add no series", async () => {
    const before = await scrape();
    const unknown = (metrics: Exposition) =>
      valueOf(metrics, "tesigo_http_requests_total", { method: "GET", route: "routes/$", status: "404" }) ?? 0;
    const { client: stranger } = await signedInCustomer(app);
    const made = [
      ...Array.from({ length: 8 }, (_, i) => `/wp-admin/probe-${i}.php`),
      ...Array.from({ length: 8 }, (_, i) => `/documents/00000000-0000-4000-8000-00000000000${i}`),
    ];
    for (const url of made) expect((await stranger.get(url)).status).toBe(404);
    const after = await scrape();
    const series = (metrics: Exposition) => metrics.samples.filter((s) => s.name === "tesigo_http_requests_total");
    for (const sample of series(after)) {
      expect(sample.labels.route).not.toMatch(/probe|0000/);
      expect(sample.labels.route).toMatch(/^(routes\/|root$|\(not routed\)$)/);
    }
    // The unknown paths are counted under the splat route; the documents' under theirs (not this customer's: 404).
    expect(unknown(after) - unknown(before)).toBe(8);
    expect(series(after).length - series(before).length).toBeLessThanOrEqual(2);
  });

  it("counts the sockets connected to this web process, and forgets them when they close", async () => {
    const sockets = async () => valueOf(await scrape(), "tesigo_sockets_connected");
    expect(await sockets()).toBe(0);
    const { client } = await signedInCustomer(app);
    const socket = connectSocket(app.url, {
      transports: ["websocket"],
      extraHeaders: { cookie: client.cookieHeader() },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("connect_error", reject);
      });
      expect(await sockets()).toBe(1);
    } finally {
      socket.disconnect();
    }
    await eventually("the closed socket to be forgotten", async () => (await sockets()) === 0);
  });

  it("scrapes are not counted as HTTP traffic", async () => {
    const metrics = await scrape();
    expect(
      metrics.samples.some((s) => s.name === "tesigo_http_requests_total" && /metrics/.test(s.labels.route ?? "")),
    ).toBe(false);
  });
});

describe("docs/monitoring", () => {
  it("alerts.yml parses, holds the six alerts of the issue, and each rule reads only series the running app exports", async () => {
    const exported = seriesNames(await scrape());
    const rules = (
      parseYaml(readFileSync(path.join(MONITORING_DIR, "alerts.yml"), "utf8")) as {
        groups: { rules: { alert: string; expr: string; for?: string }[] }[];
      }
    ).groups.flatMap((group) => group.rules);
    expect(rules.map((rule) => rule.alert).sort()).toEqual([
      "TesiGoBreakerOpen",
      "TesiGoDeadLettersGrowing",
      "TesiGoHighErrorRate",
      "TesiGoMemoryHigh",
      "TesiGoNoDeliveryWhileOrdersWait",
      "TesiGoSlowRequests",
    ]);
    for (const rule of rules) {
      const used = namesIn(rule.expr);
      expect(used.length, rule.alert).toBeGreaterThan(0);
      for (const name of used) expect(exported, `${rule.alert} reads ${name}`).toContain(name);
    }
    expect(rules.find((rule) => rule.alert === "TesiGoBreakerOpen")?.for).toBe("5m");
  });

  it("the Grafana dashboard is JSON whose every panel reads only series the running app exports", async () => {
    const exported = seriesNames(await scrape());
    const dashboard = JSON.parse(readFileSync(path.join(MONITORING_DIR, "grafana-dashboard.json"), "utf8")) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(10);
    for (const panel of dashboard.panels)
      for (const target of panel.targets) {
        const used = namesIn(target.expr);
        expect(used.length, panel.title).toBeGreaterThan(0);
        for (const name of used) expect(exported, `${panel.title} reads ${name}`).toContain(name);
      }
  });
});
