import type { Duplex } from "node:stream";

// A request Node's HTTP parser cannot read (a Content-Length that lies, broken chunking, headers too large) never
// reaches Express: Node answers it with a bare status line. This answers it with a sentence saying why, as every other
// refusal does, in English (the headers holding the reader's language may be what could not be read).

const ANSWERS: Record<string, [number, string, string]> = {
  HPE_HEADER_OVERFLOW: [
    431,
    "Request Header Fields Too Large",
    "The request's headers are larger than this server reads.",
  ],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout", "The request did not arrive in time, so it was not read."],
};
const MALFORMED: [number, string, string] = [
  400,
  "Bad Request",
  "The request could not be read as HTTP: its length, its framing or its headers are wrong.",
];

/** The `clientError` handler of the HTTP server: a status with a sentence, then the connection is closed. */
export function answerUnreadableRequest(error: Error & { code?: string }, socket: Duplex & { bytesWritten?: number }) {
  const [status, reason, message] = ANSWERS[error.code ?? ""] ?? MALFORMED;
  // Nothing can be said once an answer has begun on this connection (or the client has gone).
  if (socket.writable && !socket.bytesWritten) {
    const body = `${message}\n`;
    socket.write(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}
