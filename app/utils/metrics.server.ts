// The process' own Prometheus series (prom-client), counted where things happen: HTTP requests (web), jobs and writer
// calls (worker), sockets (web), plus Node's default process metrics. Every name starts with `tesigo_`. What the
// database knows (orders, refunds, queues, breakers, tokens and cost) is read at scrape time: database-metrics.server.ts.
import os from "node:os";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";

export const METRIC_PREFIX = "tesigo_";

export const processRegistry = new Registry();
collectDefaultMetrics({ register: processRegistry, prefix: METRIC_PREFIX });

const httpRequests = new Counter({
  name: "tesigo_http_requests_total",
  help: "HTTP requests answered, by method, route (the Remix route id, never the raw URL) and status code",
  labelNames: ["method", "route", "status"] as const,
  registers: [processRegistry],
});

const httpDuration = new Histogram({
  name: "tesigo_http_request_duration_seconds",
  help: "Time from a request's arrival to the end of its answer, by method, route and status code",
  labelNames: ["method", "route", "status"] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
  registers: [processRegistry],
});

const jobs = new Counter({
  name: "tesigo_jobs_total",
  help: "Jobs run by this worker, by queue and outcome (completed; failed: retried or dead-lettered by pg-boss; waited: for writers resting behind open breakers)",
  labelNames: ["queue", "outcome"] as const,
  registers: [processRegistry],
});

const jobDuration = new Histogram({
  name: "tesigo_job_duration_seconds",
  help: "How long one job ran in this worker, by queue and outcome",
  labelNames: ["queue", "outcome"] as const,
  buckets: [0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
  registers: [processRegistry],
});

const llmCalls = new Counter({
  name: "tesigo_llm_calls_total",
  help: "Writer (LLM) calls made by this worker, by provider, model and outcome (success, failure, or skipped: breaker open)",
  labelNames: ["provider", "model", "outcome"] as const,
  registers: [processRegistry],
});

const llmDuration = new Histogram({
  name: "tesigo_llm_call_duration_seconds",
  help: "How long one writer call took in this worker, by provider, model and outcome",
  labelNames: ["provider", "model", "outcome"] as const,
  buckets: [0.5, 1, 2.5, 5, 10, 20, 40, 60, 90, 180],
  registers: [processRegistry],
});

let countSockets: () => number = () => 0;
new Gauge({
  name: "tesigo_sockets_connected",
  help: "socket.io connections open on this web process",
  registers: [processRegistry],
  collect() {
    this.set(countSockets());
  },
});

new Gauge({
  name: "tesigo_memory_limit_bytes",
  help: "Memory this process may use: its container's (cgroup) limit, else the machine's memory",
  registers: [processRegistry],
  collect() {
    // Node reports 0 (or, before 22, undefined) when no cgroup limit is set.
    this.set(process.constrainedMemory?.() || os.totalmem());
  },
});

export type JobOutcome = "completed" | "failed" | "waited";
export type LlmCallOutcome = "success" | "failure" | "skipped";

export function recordHttpRequest(method: string, route: string, status: number, seconds: number): void {
  const labels = { method, route, status: String(status) };
  httpRequests.inc(labels);
  httpDuration.observe(labels, seconds);
}

export function recordJob(queue: string, outcome: JobOutcome, seconds: number): void {
  jobs.inc({ queue, outcome });
  jobDuration.observe({ queue, outcome }, seconds);
}

export function recordLlmCall(provider: string, model: string, outcome: LlmCallOutcome, seconds = 0): void {
  llmCalls.inc({ provider, model, outcome });
  if (outcome !== "skipped") llmDuration.observe({ provider, model, outcome }, seconds);
}

/** The web process tells how many sockets it holds (socket.io's own count, read at each scrape). */
export function observeSockets(count: () => number): void {
  countSockets = count;
}
