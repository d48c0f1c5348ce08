/**
 * The floor: request/reply over Redis pub/sub with ioredis and nothing else. The client
 * publishes `{id, replyTo, data}` on the request channel; the server answers on the
 * client's reply channel. JSON both ways, no deadline, no envelope beyond the id.
 * BENCH_ROLE: server or client. BENCH_FLOOR_AUTOPIPELINE=0 publishes each message at once
 * (lowest sequential latency); otherwise ioredis auto-pipelines (highest throughput). The
 * bus scenario runs both and takes the better one per figure as the floor.
 */
import Redis from 'ioredis';
import { env, fail, serve } from '../lib/child';
import { callCommands } from '../lib/load';
import { PAYLOAD } from './bench.contract';

const url = env('REDIS_URL', 'redis://127.0.0.1:6379');
const requests = `${env('BENCH_CHANNEL_PREFIX')}req`;

async function main(): Promise<void> {
  const role = env('BENCH_ROLE');
  const subscriber = new Redis(url);
  const publisher = new Redis(url, { enableAutoPipelining: process.env.BENCH_FLOOR_AUTOPIPELINE !== '0' });
  if (role === 'server') {
    subscriber.on('message', (_channel: string, message: string) => {
      const { id, replyTo, data } = JSON.parse(message) as { id: number; replyTo: string; data: unknown };
      void publisher.publish(replyTo, JSON.stringify({ id, data }));
    });
    await subscriber.subscribe(requests);
    return serve({});
  }
  if (role !== 'client') throw new Error(`unknown BENCH_ROLE ${role}`);
  const replyTo = `${requests}:reply:${process.pid}`;
  const pending = new Map<number, (data: unknown) => void>();
  let nextId = 0;
  subscriber.on('message', (_channel: string, message: string) => {
    const { id, data } = JSON.parse(message) as { id: number; data: unknown };
    const resolve = pending.get(id);
    pending.delete(id);
    resolve?.(data);
  });
  await subscriber.subscribe(replyTo);
  const call = () =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, resolve);
      publisher.publish(requests, JSON.stringify({ id, replyTo, data: PAYLOAD })).catch(reject);
    });
  serve(callCommands(call));
}

main().catch(fail);
