import { randomBytes } from 'node:crypto';
import { BadRequestException, CallHandler, CanActivate, Controller, INestApplication, Injectable, Module, NestInterceptor, PipeTransform, UseGuards, UseInterceptors, UsePipes } from '@nestjs/common';
import { Ctx, RpcException } from '@nestjs/microservices';
import { register } from 'prom-client';
import { clientFor, defineContract, event, request } from '@cleave/contracts/kernel/contract';
import { BadRequestError, ConflictError, ForbiddenError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { startBusApp, testBusOptions } from '../../../test/support/bus-app';
import { eventually } from '../../../test/support/eventually';
import { ensureRedis, startPrivateRedis } from '../../../test/support/redis';
import { BusContext } from './bus.context';
import { Handles, OnEvent } from './bus.decorators';
import { BusModule } from './bus.module';
import { ServiceBus } from './service-bus';
import { InProcessServer } from './transports/in-process/in-process.server';
import { Topology } from '@cleave/platform/process';
import { createRedisConnection, RedisConnection, RedisKeys } from '@cleave/platform/redis';
import { parseResilienceConfig } from '@cleave/platform/resilience';

const echoContract = defineContract('echo', {
  requests: {
    echo: request<{ text: string; at?: Date }, { text: string; at?: string; by: string }>(),
    fail: request<{ message: string }, never>(),
    slow: request<{ ms: number }, { deadline?: number }>(),
    relay: request<{ ms: number }, { inner?: number; outer?: number }>(),
    notJson: request<Record<string, never>, { n: number }>(),
    guarded: request<Record<string, never>, never>(),
    piped: request<{ n: unknown }, never>(),
    intercepted: request<Record<string, never>, never>(),
  },
  events: { 'echo.happened': event<{ n: number }>() },
});
abstract class EchoClient extends clientFor(echoContract) {}

const received: Record<string, string[]> = { audit: [], mirror: [] };
let failuresLeft = 0;

/** The pipeline's own refusals: a guard saying no, a pipe and an interceptor throwing. */
@Injectable()
class DenyAll implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

@Injectable()
class NumbersOnly implements PipeTransform {
  transform(value: { n: unknown }): { n: number } {
    if (typeof value?.n !== 'number') throw new BadRequestException('n must be a number');
    return value as { n: number };
  }
}

@Injectable()
class Refuses implements NestInterceptor {
  intercept(_context: unknown, _next: CallHandler): never {
    throw new RpcException({ status: 409, message: 'not now' });
  }
}

@Controller()
class EchoHandlers {
  constructor(private readonly echo: EchoClient) {}

  @Handles(echoContract, 'echo')
  onEcho(req: { text: string; at?: Date }, @Ctx() ctx: BusContext) {
    return { text: req.text, at: req.at as unknown as string, by: ctx.transport };
  }

  @Handles(echoContract, 'fail')
  onFail(req: { message: string }): never {
    throw new ConflictError(req.message, { why: 'test' });
  }

  @Handles(echoContract, 'slow')
  async onSlow(req: { ms: number }, @Ctx() ctx: BusContext) {
    await new Promise((resolve) => setTimeout(resolve, req.ms));
    return { deadline: ctx.envelope.deadline };
  }

  @Handles(echoContract, 'notJson')
  onNotJson() {
    return { n: 1n as unknown as number };
  }

  @Handles(echoContract, 'guarded')
  @UseGuards(DenyAll)
  onGuarded(): never {
    throw new Error('the guard lets nothing through');
  }

  @Handles(echoContract, 'piped')
  @UsePipes(NumbersOnly)
  onPiped(): never {
    throw new Error('the pipe lets nothing through');
  }

  @Handles(echoContract, 'intercepted')
  @UseInterceptors(Refuses)
  onIntercepted(): never {
    throw new Error('the interceptor lets nothing through');
  }

  @Handles(echoContract, 'relay')
  async onRelay(req: { ms: number }, @Ctx() ctx: BusContext) {
    const inner = await this.echo.slow({ ms: req.ms }, { timeoutMs: 60_000 });
    return { inner: inner.deadline, outer: ctx.envelope.deadline };
  }
}

@Controller()
class AuditHandlers {
  @OnEvent(echoContract, 'echo.happened', 'audit')
  onHappened(payload: { n: number }, @Ctx() ctx: BusContext) {
    if (failuresLeft > 0 && failuresLeft--) throw new Error('audit is having a bad day');
    received.audit.push(`${payload.n}:${ctx.messageId}`);
  }
}

@Controller()
class MirrorHandlers {
  @OnEvent(echoContract, 'echo.happened', 'mirror')
  onHappened(payload: { n: number }) {
    received.mirror.push(String(payload.n));
  }
}

@Injectable()
class Caller {
  constructor(
    readonly echo: EchoClient,
    readonly bus: ServiceBus,
  ) {}
}

@Module({ imports: [BusModule.forClients(EchoClient)], controllers: [EchoHandlers, AuditHandlers] })
class EchoModule {}

@Module({ imports: [BusModule.forClients(EchoClient)], controllers: [MirrorHandlers], providers: [Caller], exports: [Caller] })
class CallerModule {}

const modules = ['echo', 'caller'];


/** A guard, a pipe and an interceptor refusing a message: typed errors with their status at the caller. */
async function expectPipelineRefusals(caller: Caller): Promise<void> {
  const guarded = await caller.echo.guarded({}).catch((e) => e);
  expect(guarded).toBeInstanceOf(ForbiddenError);
  expect(guarded).toMatchObject({ status: 403, message: 'Forbidden resource' });
  const piped = await caller.echo.piped({ n: 'one' }).catch((e) => e);
  expect(piped).toBeInstanceOf(BadRequestError);
  expect(piped).toMatchObject({ status: 400, message: 'n must be a number' });
  const intercepted = await caller.echo.intercepted({}).catch((e) => e);
  expect(intercepted).toBeInstanceOf(ConflictError);
  expect(intercepted).toMatchObject({ status: 409, message: 'not now' });
}

describe('ServiceBus in one process', () => {
  let app: INestApplication;
  let caller: Caller;

  beforeAll(async () => {
    const topology = Topology.parse('one', { processes: { all: { gateway: true, modules } } }, modules);
    app = await startBusApp(testBusOptions(topology, 'all', 'redis://127.0.0.1:1', 'unused'), [EchoModule, CallerModule]);
    caller = app.get(Caller);
  });

  afterAll(() => app.close());

  it('calls the handler in-process and hands back JSON copies', async () => {
    const at = new Date('2026-01-02T03:04:05Z');
    const res = await caller.echo.echo({ text: 'hi', at });
    expect(res).toEqual({ text: 'hi', at: '2026-01-02T03:04:05.000Z', by: 'local' });
  });

  it('rebuilds typed errors with their status', async () => {
    const error = await caller.echo.fail({ message: 'taken' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, message: 'taken', details: { why: 'test' } });
  });

  it("maps the refusals of Nest's pipeline (guards, pipes, interceptors) to their status", async () => {
    await expectPipelineRefusals(caller);
  });

  it('bounds local calls by a deadline too', async () => {
    const error = await caller.echo.slow({ ms: 300 }, { timeoutMs: 50 }).catch((e) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect(error.message).toMatch(/echo did not answer echo\.slow/);
  });

  it('answers with the fallback when the target fails, never in place of its answers', async () => {
    await expect(caller.echo.slow({ ms: 200 }, { timeoutMs: 30, fallback: () => ({ deadline: -1 }) })).resolves.toEqual({ deadline: -1 });
    await expect(caller.echo.fail({ message: 'taken' }, { fallback: () => undefined as never })).rejects.toBeInstanceOf(ConflictError);
  });

  it('fails a call whose answer is not JSON, instead of hanging', async () => {
    const error = await caller.echo.notJson({}).catch((e) => e);
    expect(error).toMatchObject({ status: 500, message: expect.stringMatching(/could not be serialised/) });
  });

  it('delivers an event to every subscribing module', async () => {
    received.audit = [];
    received.mirror = [];
    await caller.bus.publish(echoContract, 'echo.happened', { n: 1 });
    await eventually(async () => expect([received.audit.length, received.mirror.length]).toEqual([1, 1]), 5000, 10);
  });

  it('counts each call under the module making it, each event under the module taking it', async () => {
    await caller.echo.relay({ ms: 1 });
    const calls = await metricValues('cleave_bus_call_duration_seconds_count');
    // Made in echo's relay handler; made by the test, outside any handler: the process's name.
    expect(calls).toContainEqual(expect.objectContaining({ caller: 'echo', pattern: 'echo.slow', outcome: 'ok' }));
    expect(calls).toContainEqual(expect.objectContaining({ caller: 'all', pattern: 'echo.relay', outcome: 'ok' }));
    const events = await metricValues('cleave_event_handler_duration_seconds_count');
    expect(events).toContainEqual(expect.objectContaining({ subscriber: 'audit', event: 'echo.happened', transport: 'local', outcome: 'ok' }));
    expect(app.get(InProcessServer).subscriptions()).toContainEqual({ subscriber: 'mirror', event: 'echo.happened', publisher: 'echo' });
  });
});

/** The labels of every value of a metric of this process (a histogram's `_count` series, say). */
async function metricValues(name: string): Promise<Record<string, string | number>[]> {
  const family = name.replace(/_(count|sum|bucket)$/, '');
  const metric = await register.getSingleMetric(family)!.get();
  return metric.values.filter((v) => (v as { metricName?: string }).metricName === name).map((v) => v.labels as Record<string, string | number>);
}

describe('ServiceBus across two processes over Redis', () => {
  let redisUrl: string;
  let prefix: string;
  let echoApp: INestApplication;
  let callerApp: INestApplication;
  let caller: Caller;
  let topology: Topology;
  let redis: RedisConnection;

  beforeAll(async () => {
    redisUrl = (await ensureRedis()).url;
    redis = createRedisConnection({ mode: 'single', url: redisUrl });
    prefix = `cleave-bus-spec-${randomBytes(4).toString('hex')}`;
    topology = Topology.parse('two', { processes: { a: { modules: ['echo'] }, b: { gateway: true, modules: ['caller'] } } }, modules);
    echoApp = await startBusApp(testBusOptions(topology, 'a', redisUrl, prefix), [EchoModule]);
    callerApp = await startBusApp(testBusOptions(topology, 'b', redisUrl, prefix), [CallerModule]);
    caller = callerApp.get(Caller);
  });

  afterAll(async () => {
    await Promise.all([echoApp?.close(), callerApp?.close()]);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('round-trips a request through Redis', async () => {
    expect(await caller.echo.echo({ text: 'over there' })).toEqual({ text: 'over there', by: 'redis' });
  });

  it('carries typed errors across with status and details', async () => {
    const error = await caller.echo.fail({ message: 'no way' }).catch((e) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ status: 409, message: 'no way', details: { why: 'test' } });
  });

  it("carries the refusals of Nest's pipeline across with their status", async () => {
    await expectPipelineRefusals(caller);
  });

  it('gives a nested call no more time than its caller has left', async () => {
    const before = Date.now();
    const res = await caller.echo.relay({ ms: 1 }, { timeoutMs: 800 });
    expect(res.outer).toBeLessThanOrEqual(before + 800 + 5);
    expect(res.inner).toBe(res.outer);
  });

  it('fails a call whose answer is not JSON, and survives a malformed reply', async () => {
    const error = await caller.echo.notJson({}).catch((e) => e);
    expect(error).toMatchObject({ status: 500, message: expect.stringMatching(/could not be serialised/) });
    const replyChannels = (await redis.pubsub('CHANNELS', `${prefix}:reply:*`)) as string[];
    for (const channel of replyChannels) await redis.publish(channel, 'not json at all');
    expect(await caller.echo.echo({ text: 'still here' })).toMatchObject({ text: 'still here' });
  });

  it('finds its consumer groups again when the stream disappears', async () => {
    await redis.del(new RedisKeys(prefix).events('echo.happened'));
    received.audit = [];
    received.mirror = [];
    await caller.bus.publish(echoContract, 'echo.happened', { n: 42 });
    await eventually(async () => expect([received.audit.length, received.mirror.length]).toEqual([1, 1]), 5000, 10);
  });

  it('answers the requests it holds before it stops', async () => {
    const second = await startBusApp(testBusOptions(topology, 'a', redisUrl, prefix), [EchoModule]);
    await echoApp.close();
    try {
      const slow = caller.echo.slow({ ms: 300 });
      await new Promise((resolve) => setTimeout(resolve, 50));
      const closing = second.close();
      await expect(slow).resolves.toMatchObject({ deadline: expect.any(Number) });
      await closing;
    } finally {
      echoApp = await startBusApp(testBusOptions(topology, 'a', redisUrl, prefix), [EchoModule]);
    }
  });

  it('opens the breaker of a failing target, fails fast, then half-opens and closes', async () => {
    const resilience = parseResilienceConfig({ targets: { echo: { retry: false, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 300 } } } });
    const app = await startBusApp(testBusOptions(topology, 'b', redisUrl, prefix, { resilience }), [CallerModule]);
    try {
      const echo = app.get(Caller).echo;
      for (let i = 0; i < 2; i++) await expect(echo.slow({ ms: 200 }, { timeoutMs: 40 })).rejects.toThrow(/did not answer/);
      const started = Date.now();
      await expect(echo.echo({ text: 'x' })).rejects.toThrow(/echo is failing: its circuit breaker is open/);
      expect(Date.now() - started).toBeLessThan(30);
      await new Promise((resolve) => setTimeout(resolve, 320));
      await expect(echo.echo({ text: 'back' })).resolves.toMatchObject({ text: 'back' });
      await expect(echo.echo({ text: 'closed' })).resolves.toMatchObject({ text: 'closed' });
    } finally {
      await app.close();
    }
  });

  it('ends in a 503 within the deadline when nobody serves the module', async () => {
    const lonely = Topology.parse('lonely', { processes: { x: { modules: ['echo'] }, b: { gateway: true, modules: ['caller'] } } }, modules);
    const app = await startBusApp(testBusOptions(lonely, 'b', redisUrl, `${prefix}-lonely`, { requestTimeoutMs: 200 }), [CallerModule]);
    try {
      const started = Date.now();
      const error = await app.get(Caller).echo.echo({ text: 'anyone?' }).catch((e) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.status).toBe(503);
      expect(Date.now() - started).toBeLessThan(200 + 300);
    } finally {
      await app.close();
    }
  });

  it('delivers an event once to each subscribing module, in whichever process', async () => {
    received.audit = [];
    received.mirror = [];
    await caller.bus.publish(echoContract, 'echo.happened', { n: 7 });
    await eventually(async () => expect([received.audit.length, received.mirror.length]).toEqual([1, 1]), 5000, 10);
    expect(received.mirror).toEqual(['7']);
  });

  it('retries a failing subscriber, then dead-letters the event', async () => {
    received.audit = [];
    failuresLeft = 1;
    await caller.bus.publish(echoContract, 'echo.happened', { n: 8 });
    await eventually(async () => expect(received.audit).toHaveLength(1), 5000, 10);
    expect(failuresLeft).toBe(0);

    failuresLeft = 1_000;
    await caller.bus.publish(echoContract, 'echo.happened', { n: 9 });
    const dlq = new RedisKeys(prefix).deadLetters('echo.happened');
    await eventually(async () => expect(await redis.xlen(dlq)).toBeGreaterThan(0), 5000, 20);
    failuresLeft = 0;
    const [entry] = await redis.xrange(dlq, '-', '+');
    expect(entry[1]).toEqual(expect.arrayContaining(['group', 'audit']));
    const pending = (await redis.xpending(new RedisKeys(prefix).events('echo.happened'), 'audit')) as [number];
    expect(pending[0]).toBe(0);
  });
});

describe('ServiceBus when Redis restarts', () => {
  it('reconnects on its own: requests and events flow again, with the consumer groups recreated', async () => {
    const server = await startPrivateRedis();
    const topology = Topology.parse('two', { processes: { a: { modules: ['echo'] }, b: { gateway: true, modules: ['caller'] } } }, modules);
    const echoApp = await startBusApp(testBusOptions(topology, 'a', server.url, 'restart'), [EchoModule]);
    const callerApp = await startBusApp(testBusOptions(topology, 'b', server.url, 'restart'), [CallerModule]);
    const caller = callerApp.get(Caller);
    try {
      expect(await caller.echo.echo({ text: 'before' })).toMatchObject({ text: 'before' });
      await server.restart(); // no persistence: queues, streams and groups are gone

      let answer: unknown;
      for (let i = 0; i < 50 && !answer; i++) answer = await caller.echo.echo({ text: 'after' }, { timeoutMs: 500 }).catch(() => undefined);
      expect(answer).toMatchObject({ text: 'after' });

      received.audit = [];
      received.mirror = [];
      const deadline = Date.now() + 10_000;
      while (!(received.audit.length && received.mirror.length) && Date.now() < deadline) {
        await caller.bus.publish(echoContract, 'echo.happened', { n: 99 }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(received.audit.length).toBeGreaterThan(0);
      expect(received.mirror.length).toBeGreaterThan(0);
    } finally {
      await Promise.all([echoApp.close(), callerApp.close()]);
      server.stop();
    }
  }, 30_000);
});
