import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import { BadRequestError, CleaveError, HeadersTooLargeError } from '@cleave/contracts/kernel/errors';
import { toErrorBody } from './http-error.filter';

/** How long a refused connection is read (and discarded) so that the client gets its answer. */
const LINGER_MS = 2000;
/** What a refused client may still send before the connection is cut. */
const LINGER_BYTES = 4 * 1024 * 1024;
/** A client too slow to finish its headers is cut at once: it gets no more time. */
const TIMEOUTS = new Set(['ERR_HTTP_REQUEST_TIMEOUT', 'HPE_HEADERS_TIMEOUT']);

/**
 * Requests Node's HTTP parser refuses before any handler runs: headers over the limit, a
 * malformed request line or framing. Node's own answer is a bare `431`/`400` followed at once
 * by `socket.destroy()`; a client still sending its body then gets a TCP reset instead of the
 * answer (seen by the fuzzer as ECONNRESET on a 16 KiB URL with a 120 KiB body). Answered here
 * in the one error shape, and closed the way nginx's lingering close does: our side is ended,
 * what the client still sends is read and dropped for a bounded time and size, and only then
 * is the connection destroyed. No library does this for Node's server.
 */
export function answerClientErrors(server: Server): void {
  server.on('clientError', (error: Error & { code?: string }, socket: Socket) => {
    if (error.code === 'ECONNRESET' || TIMEOUTS.has(error.code ?? '') || !socket.writable || answerStarted(socket)) {
      // The client left, is too slow to deserve more time, or an answer is already partly out.
      socket.destroy();
      return;
    }
    socket.end(rawAnswer(refusal(error)));
    linger(socket);
  });
}

/**
 * Whether the response in flight on this connection has sent its head, so another answer
 * would corrupt it. Not `socket.bytesWritten`: on a kept-alive connection the earlier
 * requests' answers count too, and the refused request then got no answer at all (the
 * fuzzer's `socket hang up`). `_httpMessage` is the response Node attaches to the socket; its
 * own clientError default reads the same field.
 */
function answerStarted(socket: Socket): boolean {
  return (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage?.headersSent === true;
}

function refusal(error: Error & { code?: string }): CleaveError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLargeError('The request line and headers are larger than the server accepts');
    default:
      return new BadRequestError('The request is not valid HTTP');
  }
}

function rawAnswer(error: CleaveError): string {
  const body = JSON.stringify(toErrorBody(error, ''));
  return [
    `HTTP/1.1 ${error.status} ${error.status === 431 ? 'Request Header Fields Too Large' : 'Bad Request'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Cache-Control: no-store',
    'Connection: close',
    '',
    body,
  ].join('\r\n');
}

/** Reads and drops what the client still sends, so that closing does not reset the answer. */
function linger(socket: Socket): void {
  // Node's parser stays attached and would report the same error again for each chunk.
  socket.removeAllListeners('data');
  let received = 0;
  const cut = () => socket.destroy();
  const timer = setTimeout(cut, LINGER_MS);
  timer.unref();
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
    if (received > LINGER_BYTES) cut();
  });
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', cut);
  socket.on('error', cut);
  socket.resume();
}
