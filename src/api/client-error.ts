// Errors Node's HTTP parser raises before Fastify sees a request (a malformed header, headers too large,
// both Content-Length and Transfer-Encoding, a request not received within the budget): answered as
// problem+json with the same security headers as every other answer, then the connection is closed.
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import { API_SECURITY_HEADERS } from "../security/headers.js";
import { PROBLEM_TYPE } from "./problem.js";

/** The status and detail for a parser error code. */
function problemFor(code: string | undefined, budgetMs: number): [status: number, detail: string] {
  switch (code) {
    case "ERR_HTTP_REQUEST_TIMEOUT":
      return [408, `The request was not received within ${budgetMs / 1000} s; send it again, whole.`];
    case "HPE_HEADER_OVERFLOW":
      return [431, "The request headers are too large."];
    case "HPE_UNEXPECTED_CONTENT_LENGTH":
      return [400, "Send either Content-Length or Transfer-Encoding, not both."];
    default:
      return [400, "The request is not valid HTTP/1.1."];
  }
}

export function clientErrorHandler(budgetMs: number) {
  return (error: NodeJS.ErrnoException, socket: Socket): void => {
    if (error.code === "ECONNRESET" || socket.destroyed) return;
    const [status, detail] = problemFor(error.code, budgetMs);
    const body = JSON.stringify({ type: "about:blank", title: STATUS_CODES[status], status, detail });
    const headers = { ...API_SECURITY_HEADERS, "content-type": PROBLEM_TYPE, connection: "close" };
    if (socket.writable) {
      const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`);
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n${lines.join("")}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
