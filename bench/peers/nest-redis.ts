/**
 * NestJS's built-in Redis transport (Transport.REDIS, pub/sub), configured as its docs show.
 * BENCH_ROLE: server (answers echo), client (sends echo, emits events), consumer (handles
 * events). Channel names carry BENCH_CHANNEL_PREFIX so runs never cross.
 */
import { Controller, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, EventPattern, MessagePattern, MicroserviceOptions, Payload, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { env, fail, serve } from '../lib/child';
import { callCommands, EmitPlan, EventSink, emitEvents } from '../lib/load';
import { BenchEvent, EchoPayload, PAYLOAD, redisHostPort } from './bench.contract';

const prefix = env('BENCH_CHANNEL_PREFIX');
const ECHO = `${prefix}echo`;
const HAPPENED = `${prefix}happened`;
const redis = redisHostPort(env('REDIS_URL', 'redis://127.0.0.1:6379'));
const sink = new EventSink();

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
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(role === 'server' ? ServerModule : ConsumerModule, {
      transport: Transport.REDIS,
      options: redis,
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
  const client = ClientProxyFactory.create({ transport: Transport.REDIS, options: redis });
  await client.connect();
  serve({
    ...callCommands(() => lastValueFrom(client.send<EchoPayload>(ECHO, PAYLOAD))),
    emit: (plan: EmitPlan) => emitEvents((event) => lastValueFrom(client.emit(HAPPENED, event), { defaultValue: undefined }), plan),
  });
}

main().catch(fail);
