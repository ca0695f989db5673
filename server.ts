import { randomUUID } from "node:crypto";
import { createServer, type Server as HttpServer } from "node:http";
import { readdirSync } from "node:fs";
import path from "node:path";
import express from "express";
import pg from "pg";
import { pinoHttp } from "pino-http";
import { migrateToLatest } from "./db/migrate";
import { openDatabase } from "./db/open";
import { createDb, getDb, survivesLostConnections, useDatabase, warmPool } from "./app/utils/db.server";
import { EnvError, getEnv, loadDotEnvFile } from "./app/utils/env.server";
import { exposureWarning } from "./app/utils/exposure.server";
import { bearerMatches, healthReport } from "./app/utils/health.server";
import { logger } from "./app/utils/logger.server";
import { metricsHandler } from "./app/utils/metrics-endpoint.server";
import { observeSockets } from "./app/utils/metrics.server";
import { projectRoot } from "./app/utils/project-root.server";
import { createBoss, ensureQueues, useBoss } from "./app/jobs/queue.server";
import { loadWebBuild } from "./app/utils/web-build.server";
import { answerUnreadableRequest } from "./app/utils/unreadable-request.server";
import { createPipelineContext, startWorker } from "./worker/index";

const ROOT = projectRoot();
const BUILD_PATH = path.join(ROOT, "build", "index.js");

async function main() {
  loadDotEnvFile(ROOT);
  let env;
  try {
    env = getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`TesiGo cannot start. ${error.message}\nSee .env.example and the README's configuration table.`);
      process.exit(1);
    }
    throw error;
  }
  const exposed = exposureWarning(env);
  if (exposed) console.warn(exposed);
  const runWeb = env.ROLE !== "worker";
  const runWorker = env.ROLE !== "web";
  // Before the database: a bundle production cannot serve stops the start while nothing needs stopping.
  const build = runWeb ? await loadWebBuild(BUILD_PATH, { isProduction: env.isProduction }) : null;
  const stops: Array<[string, () => Promise<unknown>]> = [];
  let closeSockets: (() => Promise<unknown>) | undefined;

  const { url: databaseUrl, embedded } = await openDatabase(env, (m) => logger.info(m));

  // A worker's parallel sections each need a connection at their start and end; the web side needs a few more.
  // A worker keeps a connection per parallel section open, so a large order's sections start without waiting for
  // new connections.
  const keepOpen = runWorker ? env.SECTION_CONCURRENCY : 0;
  const db = useDatabase(
    createDb(databaseUrl, (runWorker ? env.SECTION_CONCURRENCY + 6 : 0) + (runWeb ? 10 : 0), { keepOpen }),
  );
  const applied = await migrateToLatest(db);
  if (applied.length) logger.info({ migrations: applied }, "database migrated");
  await warmPool(db, keepOpen);

  const boss = useBoss(
    createBoss(databaseUrl, { worker: runWorker, maintenanceSeconds: env.QUEUE_MAINTENANCE_SECONDS }),
  );
  await boss.start();
  await ensureQueues(boss, { expireSeconds: env.QUEUE_EXPIRE_SECONDS });

  const runner = runWorker
    ? await startWorker(boss, createPipelineContext(db, env), {
        connectionString: databaseUrl,
        expireSeconds: env.QUEUE_EXPIRE_SECONDS,
      })
    : null;

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxySetting(env.TRUST_PROXY));
  const httpServer = createServer(app);
  httpServer.on("clientError", answerUnreadableRequest);
  app.use(
    pinoHttp({
      logger,
      genReqId: (req, res) => {
        const id = (req.headers["x-request-id"] as string | undefined)?.slice(0, 100) || randomUUID();
        res.setHeader("x-request-id", id);
        return id;
      },
      autoLogging: {
        ignore: (req) => req.url === "/healthz" || req.url === "/metrics" || req.url?.startsWith("/build/") === true,
      },
      // One short line per request: every request and response header in each line cost more than serving a kept page.
      serializers: {
        req: (req: {
          id: unknown;
          method: string;
          url: string;
          remoteAddress?: string;
          headers: Record<string, unknown>;
        }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
          remoteAddress: req.remoteAddress,
          userAgent: req.headers["user-agent"],
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  // Every role, before the host check and the rate limiter: Prometheus scrapes each process by its address (not
  // APP_URL's host) every few seconds, and a scrape answered 421 or 429 would be a gap in monitoring. The bearer
  // token (≥ 32 characters, compared in constant time) is the gate. Scrapes are not counted as HTTP traffic.
  app.get("/metrics", metricsHandler({ token: env.METRICS_TOKEN, database: runWeb ? getDb : null }));
  // Liveness, for every role, before anything else: the process answers (dependencies: /health/detailed).
  app.get("/healthz", (_req, res) =>
    // The same answers as before Express served it: the web's plain, the worker's with its role.
    res.set("Cache-Control", "no-store").json(runWeb ? { status: "ok" } : { status: "ok", role: env.ROLE }),
  );

  if (build) {
    // Loaded only here: a worker process never holds Remix, socket.io or the security middleware in memory.
    const [
      { createRequestHandler },
      { declaredBodyLimitMiddleware },
      { default: compression },
      { rateLimitMiddleware },
      { adminGate },
      security,
      { startDocumentEventRelay },
      { attachSocketServer },
      { httpMetricsMiddleware, routeLabelMiddleware },
      { cacheablePage, pageCacheMiddleware },
    ] = await Promise.all([
      import("./app/utils/remix-handler.server"),
      import("./app/utils/request-body.server"),
      import("compression"),
      import("./app/utils/rate-limit.server"),
      import("./app/utils/admin.server"),
      import("./app/utils/security.server"),
      import("./app/utils/document-event-relay.server"),
      import("./app/utils/socket.server"),
      import("./app/utils/http-metrics.server"),
      import("./app/utils/page-cache.server"),
    ]);
    app.use(httpMetricsMiddleware());
    const { cspNonceMiddleware, helmetWithCsp, hostCheckMiddleware, originCheckMiddleware } = security;
    // In production only APP_URL's host is served (health checks excepted): no request can pass for another site.
    if (env.isProduction)
      app.use(hostCheckMiddleware({ appUrl: env.APP_URL, exemptPaths: ["/healthz", "/health", "/health/detailed"] }));
    // Security headers with a CSP whose inline scripts need this request's nonce (Remix renders it into them).
    app.use(cspNonceMiddleware());
    app.use(
      helmetWithCsp({
        // A redirect after a form POST is governed by form-action: Stripe Checkout (or the local stand-in) must be allowed.
        extraFormActions: [
          "https://checkout.stripe.com",
          ...(env.STRIPE_API_URL ? [new URL(env.STRIPE_API_URL).origin] : []),
        ],
        upgradeInsecureRequests: env.isProduction && env.APP_URL.startsWith("https:"),
      }),
    );
    app.use(compression());
    app.use(
      "/build",
      express.static(path.join(ROOT, "public", "build"), { immutable: true, maxAge: "1y", fallthrough: false }),
    );
    // The other files of public/ (the favicon), looked up only by their names: any other path costs no disk lookup.
    const publicFiles = new Set(
      readdirSync(path.join(ROOT, "public"), { withFileTypes: true })
        .filter((entry) => entry.isFile())
        .map((entry) => `/${entry.name}`),
    );
    const publicStatic = express.static(path.join(ROOT, "public"), { maxAge: "1h", index: false });
    app.use((req, res, next) => (publicFiles.has(req.path) ? publicStatic(req, res, next) : next()));
    // A body declared larger than its route's cap is refused unread; the Remix handler cuts undeclared (chunked) ones.
    app.use(declaredBodyLimitMiddleware());
    // After static files (they are neither state-changing nor worth a database hit), before every page and action.
    app.use(originCheckMiddleware({ appUrl: env.APP_URL, exemptPaths: ["/api/stripe/webhook"] }));
    // A kept page's version is read in the limiter's statement: one round trip to Postgres for such a page.
    app.use(
      rateLimitMiddleware({
        getDb,
        limitPerMinute: env.RATE_LIMIT_PER_MINUTE,
        api: { perKey: env.API_RATE_LIMIT_PER_MINUTE, perAccount: env.API_ACCOUNT_RATE_LIMIT_PER_MINUTE },
        alsoRead: cacheablePage,
      }),
    );
    // After the limiter (which counts a keyless API call against its address): no API route can read a session.
    app.use(security.apiIgnoresCookies());
    // The admin area, checked once for every route and action under /admin: anyone else gets the unknown-URL 404.
    app.use(adminGate());
    // Labels each request with its Remix route (unknown and admin URLs refused to strangers: the splat route).
    app.use(routeLabelMiddleware(build));
    // The documents list and a document's page, kept rendered while what they show is unchanged (after the limiter:
    // every request still counts, and it has read the session user).
    app.use(
      pageCacheMiddleware({ getDb, buildVersion: build.assets.version, maxBytes: env.PAGE_CACHE_MB * 1024 * 1024 }),
    );
    app.all(
      "*",
      createRequestHandler({
        build,
        mode: build.mode,
        getLoadContext: (req, res) => ({
          ip: req.ip ?? null,
          requestId: String(req.id),
          cspNonce: res.locals.cspNonce,
        }),
      }),
    );
    // Web-to-web broadcasts go through the socket.io Postgres adapter; worker events through our own LISTEN relay.
    const adapterPool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    survivesLostConnections(adapterPool, "socket.io adapter connection");
    const io = attachSocketServer(httpServer, { adapterPool, testHooks: env.NODE_ENV === "test" });
    observeSockets(() => io.of("/").sockets.size);
    const relay = startDocumentEventRelay(databaseUrl, io);
    await relay.ready;
    // Open websockets would keep the HTTP server from closing: socket.io closes first (clients reconnect elsewhere).
    closeSockets = () => new Promise((resolve) => io.close(() => resolve(undefined)));
    stops.push(["document event relay", () => relay.stop()]);
    stops.push(["socket.io adapter pool", () => adapterPool.end()]);
  } else {
    // A worker answers health checks only (/healthz above), so one image and one healthcheck serve both roles.
    app.get("/health/detailed", async (req, res) => {
      const { httpStatus, body } = await healthReport({
        showDetails: bearerMatches(req.headers.authorization, env.METRICS_TOKEN),
      });
      res.status(httpStatus).set("Cache-Control", "no-store").json(body);
    });
  }

  await listen(httpServer, env.PORT, env.HOST);
  stops.unshift(["http", () => new Promise((resolve) => httpServer.close(() => resolve(undefined)))]);
  if (closeSockets) stops.unshift(["socket.io", closeSockets]);
  if (runner) stops.push(["worker", () => runner.stop(20_000)]);
  stops.push(["queue", () => boss.stop({ graceful: true, timeout: 5_000, wait: true })]);
  stops.push(["database pool", () => db.destroy()]);
  if (embedded) stops.push(["embedded Postgres", () => embedded.stop()]);

  const where = runWeb ? env.APP_URL : `http://localhost:${env.PORT}/healthz`;
  console.log(`\nTesiGo is running (${env.ROLE === "all" ? "web + worker" : env.ROLE}) at ${where}\n`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "stopping");
    const force = setTimeout(() => {
      logger.error("graceful stop took too long; exiting");
      process.exit(1);
    }, 30_000);
    force.unref();
    for (const [name, stop] of stops) {
      await stop().catch((error) => logger.error({ err: error, part: name }, "error while stopping"));
    }
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

// "true"/"false", a hop count ("1"), or addresses/subnets ("loopback, 10.0.0.0/8") as Express understands them.
function trustProxySetting(value: string): boolean | number | string {
  if (value === "true" || value === "false") return value === "true";
  return /^\d+$/.test(value) ? Number(value) : value;
}

function listen(server: HttpServer, port: number, host: string) {
  return new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        error.code === "EADDRINUSE" ? new Error(`Port ${port} is already in use: set PORT to another one.`) : error,
      ),
    );
    server.listen(port, host, () => resolve());
  });
}

main().catch((error) => {
  logger.fatal({ err: error }, "TesiGo failed to start");
  console.error(`TesiGo failed to start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
