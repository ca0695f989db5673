// GET /metrics in the Prometheus text format, for monitoring holding METRICS_TOKEN: 401 without it, and the unknown-URL
// 404 when no token is configured. A web (or all-in-one) process adds the series read from the database.
import type { RequestHandler } from "express";
import { Gauge, Registry } from "prom-client";
import { createDatabaseMetrics } from "./database-metrics.server";
import type { DbOrTrx } from "./db.server";
import { bearerMatches } from "./health.server";
import { logger } from "./logger.server";
import { processRegistry } from "./metrics.server";

export type MetricsEndpointOptions = {
  token: string | undefined;
  /** The database whose series this process exports (web and all-in-one); null on a worker. */
  database: (() => DbOrTrx) | null;
};

export function metricsHandler(options: MetricsEndpointOptions): RequestHandler {
  const databaseMetrics = options.database ? createDatabaseMetrics() : null;
  const scrapeRegistry = new Registry();
  const databaseUp = new Gauge({
    name: "tesigo_database_metrics_up",
    help: "1 when this scrape read the database's series, 0 when the database did not answer (they are left out)",
    registers: [scrapeRegistry],
  });
  return async function metrics(req, res, next) {
    if (!options.token) return next();
    if (!bearerMatches(req.get("authorization"), options.token)) {
      res
        .status(401)
        .set("WWW-Authenticate", 'Bearer realm="metrics"')
        .type("text/plain")
        .send("Send Authorization: Bearer <METRICS_TOKEN>.\n");
      return;
    }
    try {
      let text = await processRegistry.metrics();
      if (databaseMetrics && options.database) {
        const read = await databaseMetrics.collect(options.database()).then(
          () => true,
          (error: unknown) => {
            logger.warn({ err: error }, "metrics: the database's series could not be read");
            return false;
          },
        );
        databaseUp.set(read ? 1 : 0);
        if (read) text += await databaseMetrics.registry.metrics();
        text += await scrapeRegistry.metrics();
      }
      res.status(200).set("Content-Type", processRegistry.contentType).set("Cache-Control", "no-store").send(text);
    } catch (error) {
      next(error);
    }
  };
}
