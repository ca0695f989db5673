import pino from "pino";
import { remember } from "./singleton.server";

export const logger = remember("logger", () =>
  pino({
    level: process.env.LOG_LEVEL || (process.env.NODE_ENV === "test" ? "warn" : "info"),
    base: { service: "tesigo" },
    redact: ["req.headers.cookie", "req.headers.authorization", "res.headers['set-cookie']"],
  }),
);
