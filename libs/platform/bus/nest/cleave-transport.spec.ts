import { randomBytes } from 'node:crypto';
import { CallHandler, CanActivate, Controller, ExecutionContext, Inject, INestApplication, INestMicroservice, Injectable, Module, NestInterceptor, ParseIntPipe, UseGuards, UseInterceptors } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientProxyFactory, ClientsModule, EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { createRedisConnection, RedisConnection } from '@cleave/platform/redis';
import { firstValueFrom, interval, lastValueFrom, map, NEVER, Observable, of, take, toArray } from 'rxjs';
import { CleaveError, NotFoundError } from '@cleave/contracts/kernel/errors';
import { Topology } from '@cleave/platform/process';
import { startBusApp, testBusOptions } from '../../../../test/support/bus-app';
import { eventually } from '../../../../test/support/eventually';
import { ensureRedis } from '../../../../test/support/redis';
import { InProcessClient } from '../transports/in-process/in-process.client';
import { CleaveClient } from './cleave.client';
import { CleaveServer } from './cleave.server';
import { BusExceptionFilter } from '../bus-exception.filter';
import { CleaveTransportOptions } from './cleave-transport.options';

const INSTANCE = Symbol('instance');
/** Every event handled, by `<app>/<instance>`: what each subscribing app and instance got. */
const handled: Record<string, number[]> = {};
/** Requests answered, by instance. */
const answered: Record<string, number> = {};

/** Lets through only messages carrying `{ token: 'ok' }`. */
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    return context.switchToRpc().getData()?.token === 'ok';
  }
}

class Doubling implements NestInterceptor {
  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(map((value) => (value as number) * 2));
  }
}

/** A service written against Nest alone: no Cleave decorator anywhere. */
@Controller()
class MathController {
  constructor(@Inject(INSTANCE) private readonly instance: string) {}

  @MessagePattern('sum')
  sum(numbers: number[]): number {
    answered[this.instance] = (answered[this.instance] ?? 0) + 1;
    return numbers.reduce((a, b) => a + b, 0);
  }

  @MessagePattern({ cmd: 'sum', async: true })
  async sumLater(@Payload() numbers: number[]): Promise<number> {
    await new Promise((resolve) => setImmediate(resolve));
    return numbers.reduce((a, b) => a + b, 0);
  }

  @UseGuards(TokenGuard)
  @MessagePattern('secret')
  secret(): string {
    return 'granted';
  }

  @UseInterceptors(Doubling)
  @MessagePattern('half')
  half(@Payload(new ParseIntPipe({ exceptionFactory: (message) => new RpcException({ status: 400, message }) })) n: number): number {
    return n / 2;
  }

  @MessagePattern('one')
  one(): Observable<number> {
    return of(42);
  }

  @MessagePattern('count')
  count(n: number): Observable<number> {
    return interval(1).pipe(take(n), map((i) => i + 1));
  }

  @MessagePattern('forever')
  forever(): Observable<number> {
    return NEVER;
  }

  @MessagePattern('slow')
  async slow(ms: number): Promise<string> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    return this.instance;
  }

  @MessagePattern('whoami')
  whoami(): string {
    return this.instance;
  }

  @EventPattern('added')
  added(n: number): void {
    (handled[this.instance] ??= []).push(n);
  }
}

@Module({ controllers: [MathController] })
class MathModule {
  static instance(name: string) {
    return { module: MathModule, providers: [{ provide: INSTANCE, useValue: name }] };
  }
}

/** A second app taking the same event: its own consumer group. */
@Controller()
class AuditController {
  @EventPattern('added')
  added(n: number): void {
    (handled['audit/a'] ??= []).push(n);
  }
}

@Module({ controllers: [AuditController] })
class AuditModule {}

@Controller()
class PingController {
  @MessagePattern('ping')
  ping(): string {
    return 'pong';
  }
}

@Module({ controllers: [PingController] })
class PingModule {}

/** Nest's pipes as they come: ParseIntPipe throws BadRequestException, an HttpException. */
@Controller()
class StrictController {
  @MessagePattern('third')
  third(@Payload(ParseIntPipe) n: number): number {
    return n / 3;
  }
}

@Module({ controllers: [StrictController] })
class StrictModule {}

@Injectable()
class Caller {
  constructor(@Inject('MATH') readonly math: ClientProxy) {}
}

describe('CleaveServer and CleaveClient in plain Nest apps, over Redis', () => {
  let redis: RedisConnection;
  let options: Omit<CleaveTransportOptions, 'app'>;
  const servers: INestMicroservice[] = [];
  let clientApp: INestApplication;
  let math: ClientProxy;

  const serve = async (app: string, instance: string, module: Parameters<typeof NestFactory.createMicroservice>[0] = MathModule.instance(`${app}/${instance}`)) => {
    const server = await NestFactory.createMicroservice(module, {
      strategy: new CleaveServer({ ...options, app, instanceId: `${app}-${instance}` }),
      logger: false,
    });
    await server.listen();
    servers.push(server);
    return server;
  };

  beforeAll(async () => {
    const url = (await ensureRedis()).url;
    redis = createRedisConnection({ mode: 'single', url });
    options = { url, prefix: `cleave-transport-spec-${randomBytes(4).toString('hex')}`, requestTimeoutMs: 1000, eventClaimIdleMs: 200, eventClaimIntervalMs: 20 };
    await serve('math', 'a');
    await serve('math', 'b');
    await serve('audit', 'a', AuditModule);
    const moduleRef = await NestFactory.create(
      { module: class ClientApp {}, imports: [ClientsModule.register([{ name: 'MATH', customClass: CleaveClient, options: { ...options, app: 'caller', idempotent: ['whoami'] } }])], providers: [Caller] },
      { logger: false },
    );
    clientApp = await moduleRef.init();
    math = clientApp.get(Caller).math;
  });

  afterAll(async () => {
    await clientApp?.close();
    await Promise.all(servers.map((server) => server.close()));
    const keys = await redis.keys(`${options.prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers plain, Promise and single-value Observable handlers, string and object patterns', async () => {
    await expect(firstValueFrom(math.send('sum', [1, 2, 3]))).resolves.toBe(6);
    await expect(firstValueFrom(math.send({ async: true, cmd: 'sum' }, [4, 5]))).resolves.toBe(9);
    await expect(lastValueFrom(math.send('one', {}).pipe(toArray()))).resolves.toEqual([42]);
  });

  it('runs guards, pipes and interceptors; their refusals arrive with their status', async () => {
    await expect(firstValueFrom(math.send('secret', { token: 'ok' }))).resolves.toBe('granted');
    await expect(firstValueFrom(math.send('secret', { token: 'no' }))).rejects.toMatchObject({ status: 403, code: 'FORBIDDEN' });
    await expect(firstValueFrom(math.send('half', '21'))).resolves.toBe(21);
    await expect(firstValueFrom(math.send('half', 'x'))).rejects.toMatchObject({ status: 400, message: expect.stringMatching(/numeric string/) });
  });

  it('streams every value of an Observable, in order, then completes', async () => {
    await expect(lastValueFrom(math.send('count', 50).pipe(toArray()))).resolves.toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('ends a stream that never completes at its deadline, with a timeout', async () => {
    const started = Date.now();
    const error = await lastValueFrom(math.send('forever', {})).catch((e) => e);
    expect(error).toBeInstanceOf(CleaveError);
    expect(error).toMatchObject({ status: 503, code: 'UNAVAILABLE', message: expect.stringMatching(/forever/) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
  });

  it('matches 100 requests in flight to their callers, shared by both instances, each handled once', async () => {
    for (const key of Object.keys(answered)) delete answered[key];
    const answers = await Promise.all(Array.from({ length: 100 }, (_, i) => firstValueFrom(math.send('sum', [i, 1000]))));
    expect(answers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1000));
    expect(answered['math/a'] + answered['math/b']).toBe(100);
    const who = await Promise.all(Array.from({ length: 40 }, () => firstValueFrom(math.send('slow', 20))));
    expect(new Set(who)).toEqual(new Set(['math/a', 'math/b']));
  });

  it('fails an unknown pattern at once, naming it', async () => {
    const started = Date.now();
    const error = await firstValueFrom(math.send({ cmd: 'divide' }, [1, 0])).catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toContain('{"cmd":"divide"}');
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('stops waiting when the caller unsubscribes', async () => {
    const values: number[] = [];
    const subscription = math.send('count', 1000).subscribe((value) => values.push(value));
    await eventually(() => expect(values.length).toBeGreaterThan(2), 5000, 5);
    subscription.unsubscribe();
    const seen = values.length;
    // The stream is still being answered; none of it reaches the caller any more.
    await firstValueFrom(math.send('slow', 50));
    expect(values.length).toBe(seen);
  });

  it('delivers an event once to each subscribing app, once in all to the instances of one', async () => {
    for (const key of Object.keys(handled)) delete handled[key];
    await Promise.all(Array.from({ length: 20 }, (_, i) => lastValueFrom(math.emit('added', i), { defaultValue: undefined })));
    await eventually(() => {
      expect([...(handled['audit/a'] ?? [])].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect([...(handled['math/a'] ?? []), ...(handled['math/b'] ?? [])].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    }, 5000, 10);
  });

  it('keeps a request to a known app that is down waiting in its queue, within the deadline', async () => {
    const started = async () => {
      const server = await NestFactory.createMicroservice(PingModule, { strategy: new CleaveServer({ ...options, app: 'pinger' }), logger: false });
      await server.listen();
      return server;
    };
    await (await started()).close();
    expect(await redis.hget(`${options.prefix}:routes`, 'ping')).toBe('pinger');
    const answer = firstValueFrom(math.send('ping', {}));
    const server = await started();
    try {
      await expect(answer).resolves.toBe('pong');
    } finally {
      await server.close();
    }
  });

  it('keeps the status of an HttpException from a pipe when the app uses BusExceptionFilter; without it, Nest makes it a 500', async () => {
    const strict = await NestFactory.createMicroservice(StrictModule, { strategy: new CleaveServer({ ...options, app: 'strict' }), logger: false });
    strict.useGlobalFilters(new BusExceptionFilter());
    await strict.listen();
    const plain = await NestFactory.createMicroservice(StrictModule, { strategy: new CleaveServer({ ...options, app: 'strict' }), logger: false });
    try {
      await expect(firstValueFrom(math.send('third', '9'))).resolves.toBe(3);
      await expect(firstValueFrom(math.send('third', 'x'))).rejects.toMatchObject({ status: 400, code: 'BAD_REQUEST', message: expect.stringMatching(/numeric string/) });
      await strict.close();
      await plain.listen();
      await expect(firstValueFrom(math.send('third', 'x'))).rejects.toMatchObject({ status: 500, code: 'INTERNAL' });
    } finally {
      await strict.close();
      await plain.close();
    }
  });

  it('is made by ClientProxyFactory too', async () => {
    const client = ClientProxyFactory.create({ customClass: CleaveClient, options: { ...options, app: 'caller' } });
    try {
      await expect(firstValueFrom(client.send('sum', [2, 2]))).resolves.toBe(4);
    } finally {
      await client.close();
    }
  });
});

describe('plain Nest handlers on the in-process transport', () => {
  let app: INestApplication;
  let client: InProcessClient;

  beforeAll(async () => {
    const topology = Topology.parse('one', { processes: { all: { gateway: true, modules: ['math'] } } }, ['math']);
    app = await startBusApp(testBusOptions(topology, 'all', 'redis://127.0.0.1:1', 'unused'), [MathModule.instance('local')]);
    client = app.get(InProcessClient);
  });

  afterAll(() => app.close());

  it('answers string and object patterns, Promises and streams', async () => {
    await expect(firstValueFrom(client.send('sum', [1, 2]))).resolves.toBe(3);
    await expect(firstValueFrom(client.send({ cmd: 'sum', async: true }, [3, 4]))).resolves.toBe(7);
    await expect(lastValueFrom(client.send('count', 5).pipe(toArray()))).resolves.toEqual([1, 2, 3, 4, 5]);
  });

  it('ends a never-completing stream at the deadline and fails an unknown pattern at once', async () => {
    await expect(lastValueFrom(client.send('forever', {}))).rejects.toMatchObject({ status: 503 });
    await expect(firstValueFrom(client.send('divide', {}))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('delivers a plain event to its handler', async () => {
    handled.local = [];
    await lastValueFrom(client.emit('added', 7), { defaultValue: undefined });
    expect(handled.local).toEqual([7]);
  });
});
