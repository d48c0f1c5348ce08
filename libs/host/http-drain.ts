import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** How long a connection opened but silent is left to send its first request once the server stops accepting. */
const FIRST_REQUEST_GRACE_MS = 1000;

interface Tracked {
  /** Requests answered on this connection so far. */
  served: number;
  /** Requests being answered now. */
  active: number;
  opened: number;
}

/**
 * Stops an HTTP server without resetting a request it received. Node's own `server.close()`
 * destroys every connection without a request under way, including one just accepted whose
 * first request is still on the wire: that client sees ECONNRESET. Hand-written because no
 * maintained library closes by these rules (stoppable and http-terminator destroy sockets on
 * a timer): while draining every answer says `Connection: close`, so clients leave on their
 * own; keep-alive connections idle since before the drain are closed; a connection that has
 * not sent its first request yet gets a short grace to send it and get its answer.
 */
export class HttpDrain {
  private readonly sockets = new Map<Socket, Tracked>();
  private draining = false;

  constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.sockets.set(socket, { served: 0, active: 0, opened: Date.now() });
      socket.once('close', () => this.sockets.delete(socket));
    });
    // First in line, before Express: the header is set before any handler can answer.
    server.prependListener('request', (request: IncomingMessage, response: ServerResponse) => this.track(request.socket, response));
  }

  /** Answers from now on close their connection; nothing is refused yet. */
  closeAfterEachAnswer(): void {
    this.draining = true;
    for (const socket of this.sockets.keys()) {
      const response = (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
      if (response && !response.headersSent) response.setHeader('Connection', 'close');
    }
  }

  /** Stops accepting, lets every request received be answered, then resolves. */
  async close(): Promise<void> {
    this.closeAfterEachAnswer();
    // Node's close() calls closeIdleConnections(): narrowed to keep-alive connections that served before.
    const closeIdle = () => this.closeIdle(false);
    this.server.closeIdleConnections = closeIdle;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const sweeper = setInterval(() => this.closeIdle(true), 100);
    try {
      await closed;
    } finally {
      clearInterval(sweeper);
    }
  }

  /** Connections answering nothing now: those that served already, and (`silent`) those silent past their grace. */
  private closeIdle(silent: boolean): void {
    const now = Date.now();
    for (const [socket, tracked] of this.sockets) {
      if (tracked.active > 0) continue;
      if (tracked.served > 0 || (silent && now - tracked.opened >= FIRST_REQUEST_GRACE_MS)) socket.destroy();
    }
  }

  private track(socket: Socket, response: ServerResponse): void {
    const tracked = this.sockets.get(socket);
    if (this.draining) response.setHeader('Connection', 'close');
    if (!tracked) return;
    tracked.active++;
    // A connection whose answer went out before the drain is left as it is: ending it now
    // would race the client reusing it. Its next request is answered with Connection: close,
    // or it is closed as idle once the server stops accepting.
    response.once('close', () => {
      tracked.active--;
      tracked.served++;
    });
  }
}
