/**
 * A plain Nest controller (`@MessagePattern`, `@EventPattern`, `ClientProxy.send`) on Cleave's
 * transport: CleaveServer as the strategy, CleaveClient as the client, default options.
 * BENCH_ROLE: server (answers echo), client (sends echo, emits events), consumer (handles
 * events). Keys carry CLEAVE_REDIS_PREFIX so runs never cross.
 */
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { CleaveClient, CleaveServer, CleaveTransportOptions } from '@cleave/platform/bus';
import { env, fail, serve } from '../lib/child';
import { callCommands, EmitPlan, EventSink, emitEvents } from '../lib/load';
import { BenchEvent, EchoPayload, PAYLOAD } from './bench.contract';

const ECHO = 'echo';
const HAPPENED = 'happened';
const sink = new EventSink();
const options = (app: string): CleaveTransportOptions => ({ app, url: env('REDIS_URL', 'redis://127.0.0.1:6379'), prefix: env('CLEAVE_REDIS_PREFIX') });

@Controller()
class EchoController {
  @MessagePattern(ECHO)
  echo(@Payload() request: EchoPayload): EchoPayload {
    return { text: request.text, n: request.n };
  }
}

@Controller()
class SinkController {
  @EventPattern(HAPPENED)
  happened(@Payload() event: BenchEvent): void {
    sink.record(event);
  }
}

@Module({ controllers: [EchoController] })
class ServerModule {}

@Module({ controllers: [SinkController] })
class ConsumerModule {}

async function main(): Promise<void> {
  const role = env('BENCH_ROLE');
  if (role === 'server' || role === 'consumer') {
    const app = await NestFactory.createMicroservice(role === 'server' ? ServerModule : ConsumerModule, {
      strategy: new CleaveServer(options(role === 'server' ? 'bench-echo' : 'bench-sink')),
      logger: ['error', 'warn'],
    });
    await app.listen();
    serve({
      count: ({ phase }: { phase: string }) => sink.count(phase),
      take: ({ phase }: { phase: string }) => sink.take(phase),
    });
    return;
  }
  if (role !== 'client') throw new Error(`unknown BENCH_ROLE ${role}`);
  const client = ClientProxyFactory.create({ customClass: CleaveClient, options: options('bench-client') });
  await client.connect();
  serve({
    ...callCommands(() => lastValueFrom(client.send<EchoPayload>(ECHO, PAYLOAD))),
    emit: (plan: EmitPlan) => emitEvents((event) => lastValueFrom(client.emit(HAPPENED, event), { defaultValue: undefined }), plan),
  });
}

main().catch(fail);
