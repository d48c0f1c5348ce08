/**
 * Moleculer 0.14 with its Redis transporter (a dev dependency of the bench only).
 * BENCH_ROLE: server (a `bench` service with an `echo` action) or client (calls it).
 * BENCH_NAMESPACE keeps runs apart.
 */
import { ServiceBroker } from 'moleculer';
import { env, fail, serve } from '../lib/child';
import { callCommands } from '../lib/load';
import { EchoPayload, PAYLOAD } from './bench.contract';

async function main(): Promise<void> {
  const role = env('BENCH_ROLE');
  if (role !== 'server' && role !== 'client') throw new Error(`unknown BENCH_ROLE ${role}`);
  const broker = new ServiceBroker({
    namespace: env('BENCH_NAMESPACE'),
    nodeID: `bench-${role}-${process.pid}`,
    transporter: env('REDIS_URL', 'redis://127.0.0.1:6379'),
    logger: false,
    metrics: false,
    tracing: false,
  });
  if (role === 'server') {
    broker.createService({
      name: 'bench',
      actions: {
        echo(ctx: { params: EchoPayload }): EchoPayload {
          return { text: ctx.params.text, n: ctx.params.n };
        },
      },
    });
  }
  await broker.start();
  if (role === 'server') return serve({});
  await broker.waitForServices(['bench'], 20_000);
  serve(callCommands(() => broker.call('bench.echo', PAYLOAD)));
}

main().catch(fail);
