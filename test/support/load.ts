import { Agent, request as httpRequest } from 'node:http';

export interface Answer {
  status: number;
  body: any;
  /** The gateway answered with `Connection: close`: it is draining. */
  closing?: boolean;
}

/** What one request of a steady load came to: a status, or how the connection failed. */
export interface Outcome {
  what: string;
  status?: number;
  error?: string;
  ms: number;
}

/**
 * The gateways a client may use, as a load balancer sees them: it keeps to one, and moves to
 * the next when one refuses a connection (a gateway that stopped accepting), or, as a load
 * balancer does on a failing readiness check, once one says it is draining (an answer with
 * `Connection: close`). Any other failure (a reset, a timeout) is the request's, not a
 * reason to move.
 */
export class GatewayPool {
  private readonly urls: string[];
  // Keep-alive, so requests reuse connections: a reset on a reused one is what a stop must
  // avoid. Idle connections are dropped after 2 s, before the server's keep-alive timeout
  // (5 s) closes them, as a load balancer's idle timeout is set below its backends'.
  readonly agent = new Agent({ keepAlive: true, maxSockets: 16, timeout: 2000 });

  constructor(urls: string[]) {
    this.urls = [...urls];
  }

  add(url: string): void {
    if (!this.urls.includes(url)) this.urls.push(url);
  }

  async send(method: string, path: string, options: { token?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Answer> {
    for (;;) {
      const url = this.urls[0];
      if (!url) throw new Error('no gateway accepts connections');
      try {
        const answer = await once(this.agent, url, method, path, options);
        if (answer.closing && this.urls.length > 1 && this.urls[0] === url) this.urls.push(this.urls.shift()!);
        return answer;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ECONNREFUSED') throw error;
        // Refused: nothing was sent, so trying another gateway is safe for any method.
        this.urls.splice(this.urls.indexOf(url), 1);
      }
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

function once(agent: Agent, base: string, method: string, path: string, options: { token?: string; body?: unknown; timeoutMs?: number }): Promise<Answer> {
  const body = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(new URL(path, base), {
      method,
      agent,
      timeout: options.timeoutMs ?? 20_000,
      headers: {
        ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      },
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (error: Error) => reject(Object.assign(error, { reused: req.reusedSocket, gateway: base, at: new Date().toISOString() })));
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : undefined;
        } catch {
          // not JSON: kept as text
        }
        resolve({ status: res.statusCode ?? 0, body: parsed, closing: res.headers.connection === 'close' });
      });
    });
    req.end(body);
  });
}

/**
 * `concurrency` workers, each running `step` again and again until stopped: a steady,
 * bounded load. Every request's outcome is kept; a failure is a 5xx, a reset, a timeout.
 */
export class SteadyLoad {
  readonly outcomes: Outcome[] = [];
  private running = true;
  private readonly workers: Promise<void>[];
  private readonly waiters: Array<{ count: number; done: () => void }> = [];

  constructor(concurrency: number, step: (worker: number, run: (what: string, send: () => Promise<Answer>) => Promise<Answer | undefined>) => Promise<void>) {
    this.workers = Array.from({ length: concurrency }, async (_, worker) => {
      while (this.running) await step(worker, (what, send) => this.run(what, send));
    });
  }

  private async run(what: string, send: () => Promise<Answer>): Promise<Answer | undefined> {
    const started = Date.now();
    try {
      const answer = await send();
      this.record({ what, status: answer.status, ms: Date.now() - started });
      return answer;
    } catch (error) {
      const { reused, gateway, at } = error as { reused?: boolean; gateway?: string; at?: string };
      this.record({ what, error: `${(error as NodeJS.ErrnoException).code ?? ''} ${(error as Error).message} (${reused ? 'reused' : 'new'} connection to ${gateway} at ${at})`, ms: Date.now() - started });
      return undefined;
    }
  }

  private record(outcome: Outcome): void {
    this.outcomes.push(outcome);
    for (const waiter of [...this.waiters]) {
      if (this.outcomes.length < waiter.count) continue;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.done();
    }
  }

  /** Resolves once `n` more requests have had their outcome. */
  answered(n: number): Promise<void> {
    return new Promise((done) => this.waiters.push({ count: this.outcomes.length + n, done }));
  }

  failures(): Outcome[] {
    return this.outcomes.filter((o) => o.status === undefined || o.status >= 500);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.workers);
  }
}
