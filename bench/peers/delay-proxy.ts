/**
 * A TCP proxy that holds every chunk for a set time in each direction: a network between hosts
 * on one machine whose kernel has no `tc netem`. BENCH_PROXY_TARGET is `host:port`; the proxy
 * listens on a free loopback port (its ready message says which).
 *
 * Node's timers cannot wait less than a millisecond, and a quarter of one is the point, so a
 * chunk's last stretch is waited with Atomics.wait (a futex sleep, no CPU burnt). The loop is
 * blocked meanwhile, so data arriving then is read, and stamped, up to that stretch late: at
 * one request at a time, as the network scenario measures, nothing else is in flight. The
 * proxy counts the chunks it forwards, the round trips' fabric, per direction.
 */
import { createServer, Socket } from 'node:net';
import { env, fail, serve } from '../lib/child';

interface Held {
  due: number;
  to: Socket;
  chunk: Buffer;
}

const [targetHost, targetPort] = env('BENCH_PROXY_TARGET').split(/:(?=\d+$)/);
let delayMs = Number(env('BENCH_PROXY_DELAY_MS', '0.25'));
const held: Held[] = [];
const counts = { toTarget: 0, fromTarget: 0, connections: 0 };
const sleeper = new Int32Array(new SharedArrayBuffer(4));
let flushing = false;
/**
 * How much longer than asked a short Atomics.wait sleeps here (measured at start, the median
 * of 50: about 0.08 ms on this VM), taken off each wait so a chunk is held about the delay.
 */
const oversleepMs = (() => {
  const samples: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    Atomics.wait(sleeper, 0, 0, 0.25);
    samples.push(performance.now() - started - 0.25);
  }
  return Math.max(0, samples.sort((a, b) => a - b)[25]);
})();

function forward(to: Socket, chunk: Buffer, toTarget: boolean): void {
  if (toTarget) counts.toTarget++;
  else counts.fromTarget++;
  if (delayMs <= 0) {
    to.write(chunk);
    return;
  }
  // Every chunk waits the same time, so the queue stays in due order: one queue for all.
  held.push({ due: performance.now() + delayMs, to, chunk });
  if (!flushing) {
    flushing = true;
    setImmediate(flush);
  }
}

function flush(): void {
  for (;;) {
    const head = held[0];
    if (!head) {
      flushing = false;
      return;
    }
    const wait = head.due - performance.now();
    if (wait > 1.5) {
      // Far off (only when the delay is set above a millisecond): a timer, the loop free meanwhile.
      setTimeout(flush, wait - 1);
      return;
    }
    if (wait > oversleepMs) Atomics.wait(sleeper, 0, 0, wait - oversleepMs);
    held.shift();
    if (!head.to.destroyed) head.to.write(head.chunk);
    // Back to the loop between chunks, to read what came in meanwhile.
    if (held.length) {
      setImmediate(flush);
      return;
    }
  }
}

async function main(): Promise<void> {
  const server = createServer((client) => {
    counts.connections++;
    const target = new Socket();
    client.setNoDelay(true);
    target.setNoDelay(true);
    client.pause();
    target.connect(Number(targetPort), targetHost, () => client.resume());
    client.on('data', (chunk) => forward(target, chunk, true));
    target.on('data', (chunk) => forward(client, chunk, false));
    const close = () => {
      client.destroy();
      target.destroy();
    };
    client.on('close', close);
    target.on('close', close);
    client.on('error', close);
    target.on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  serve(
    {
      counts: () => ({ ...counts, oversleepMs }),
      setDelay: ({ ms }: { ms: number }) => {
        delayMs = ms;
        return { delayMs };
      },
    },
    { port },
  );
}

main().catch(fail);
