import pino from "pino";
import { remember } from "./singleton.server";

const LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"];

// Read before the configuration is validated: an unknown level falls back to "info", and env validation reports it.
function level(): string {
  const wanted = process.env.LOG_LEVEL;
  if (wanted && LEVELS.includes(wanted)) return wanted;
  return process.env.NODE_ENV === "test" ? "warn" : "info";
}

export const logger = remember("logger", () =>
  pino({
    level: level(),
    base: { service: "tesigo" },
    // Secrets never reach a log line: cookies, bearer keys, and a customer's own LLM key wherever a log names one.
    redact: [
      "req.headers.cookie",
      "req.headers.authorization",
      "req.headers['x-api-key']",
      "res.headers['set-cookie']",
      "apiKey",
      "*.apiKey",
      "*.headers.authorization",
      "*.headers['x-api-key']",
    ],
    serializers: {
      // Errors keep their message, code and stack; pg attaches its whole client object, which is noise.
      err: (error: unknown) => {
        if (!(error instanceof Error)) return error;
        const { code, detail } = error as Error & { code?: string; detail?: string };
        return {
          type: error.name,
          message: error.message,
          ...(code ? { code } : {}),
          ...(detail ? { detail } : {}),
          stack: error.stack,
        };
      },
    },
  }),
);
