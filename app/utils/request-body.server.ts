import type { IncomingMessage } from "node:http";
import { Transform } from "node:stream";
import { createReadableStreamFromReadable } from "@remix-run/node";
import type { Request, RequestHandler, Response } from "express";
import { formatNumber } from "./format";
import { API_PATH_PREFIX, sendRefusal } from "./security.server";
import { MAX_UPLOAD_BYTES, MAX_UPLOAD_MEGABYTES } from "./upload-limits";
import { REFERENCES_MAX_BYTES } from "./reference-limits";
import { refusalLocale, refusalTexts } from "./upload-refusal.server";

// Request bodies are capped before anything holds them: a declared Content-Length over the cap is refused before a
// byte is read, and a body without one (chunked) is counted as it streams and cut where it passes the cap.

/** Every form and Stripe's webhook: far more than any of them sends. */
export const FORM_BODY_LIMIT_BYTES = 64 * 1024;
/** The requirements upload: its file and the multipart wrapping around it. */
export const UPLOAD_BODY_LIMIT_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024;
/** A customer's reference file (the order wizard's own sources) and the multipart wrapping around it. */
export const REFERENCES_BODY_LIMIT_BYTES = REFERENCES_MAX_BYTES + 64 * 1024;
/** A section's edited text (MAX_SECTION_CHARACTERS, up to 4 bytes each in UTF-8) and its form around it. */
export const SECTION_BODY_LIMIT_BYTES = 512 * 1024;

// The requirements step's upload, posted as a document (…/requirements) or by Remix' client (…/requirements.data), and
// the API's (/api/v1/orders/:id/requirements).
const UPLOAD_PATH = /^(\/api\/v1)?\/orders\/[^/]+\/requirements(\.data)?\/?$/;

// The order wizard's upload of the customer's own references (…/references, …/references.data).
const REFERENCES_PATH = /^\/orders\/[^/]+\/references(\.data)?\/?$/;

// The editor's save of one section's text: /documents/:id/sections/:index.
const SECTION_SAVE_PATH = /^\/documents\/[^/]+\/sections\/[^/]+\/?$/;

export function bodyLimitFor(req: Pick<Request, "path" | "headers">): number {
  if (SECTION_SAVE_PATH.test(req.path)) return SECTION_BODY_LIMIT_BYTES;
  const multipart = /^multipart\/form-data/i.test(req.headers["content-type"] ?? "");
  if (multipart && REFERENCES_PATH.test(req.path)) return REFERENCES_BODY_LIMIT_BYTES;
  return multipart && UPLOAD_PATH.test(req.path) ? UPLOAD_BODY_LIMIT_BYTES : FORM_BODY_LIMIT_BYTES;
}

// After a 413 the connection reads (and drops) what the client is still sending for at most this long, as nginx's
// lingering close does: closing with unread data resets the connection, and a client still sending then loses the 413.
const LINGER_MS = 5_000;

/** 413 with a page or `{ error }`, at once; the rest of the body is dropped as it comes (see lingerThenClose). */
export function refuseLargeBody(req: Request, res: Response, limit: number) {
  lingerThenClose(req, res);
  // The reader reads why in their own language, as the page's other refusals.
  if (req.path.startsWith(API_PATH_PREFIX)) {
    const message = `The body is larger than this endpoint takes (${formatNumber(limit / 1024, "en")} kB).`;
    res
      .status(413)
      .set("Cache-Control", "no-store")
      .json({ error: { code: "body_too_large", message } });
    return;
  }
  const lang = refusalLocale(req.headers.cookie, (langs) => req.acceptsLanguages(langs));
  const t = refusalTexts(lang);
  if (limit === UPLOAD_BODY_LIMIT_BYTES) {
    const message = t("orders:uploadForm.bodyTooLarge", { megabytes: MAX_UPLOAD_MEGABYTES });
    return sendRefusal(req, res, 413, t("orders:uploadForm.tooLargeTitle"), message, { lang, back: t("error.home") });
  }
  const message = t("validation:form.tooLarge", { kilobytes: formatNumber(limit / 1024, lang) });
  sendRefusal(req, res, 413, t("validation:form.tooLargeTitle"), message, { lang, back: t("error.home") });
}

function lingerThenClose(req: Request, res: Response) {
  const socket = req.socket;
  // Node closes right after the answer when the client asked for it (Connection: close); the connection is closed here.
  res.shouldKeepAlive = true;
  res.on("finish", () => socket.end());
  const cut = setTimeout(() => socket.destroy(), LINGER_MS).unref();
  socket.once("close", () => clearTimeout(cut));
  req.unpipe();
  req.removeAllListeners("data");
  req.on("end", () => socket.destroySoon());
  req.resume();
}

/** Refuses a body whose declared length is over its cap before reading any of it (chunked ones: see cappedBody). */
export function declaredBodyLimitMiddleware(): RequestHandler {
  return function declaredBodyLimit(req, res, next) {
    const limit = bodyLimitFor(req);
    if (Number(req.headers["content-length"]) > limit) return refuseLargeBody(req, res, limit);
    next();
  };
}

export class RequestBodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`The request body is larger than ${limit} bytes.`);
    this.name = "RequestBodyTooLargeError";
  }
}

/**
 * The request's body as a web stream that errors once more than `limit` bytes arrive; reading then pauses (the socket
 * stays open, so a 413 can still be sent). `exceeded()` tells whether that happened.
 */
export function cappedBody(
  req: IncomingMessage,
  limit: number,
): { stream: ReadableStream<Uint8Array>; exceeded: () => boolean } {
  let received = 0;
  let exceeded = false;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received <= limit) return done(null, chunk);
      exceeded = true;
      req.unpipe(counter);
      req.pause();
      done(new RequestBodyTooLargeError(limit));
    },
  });
  req.on("error", (error) => counter.destroy(error));
  req.pipe(counter);
  return { stream: createReadableStreamFromReadable(counter), exceeded: () => exceeded };
}
