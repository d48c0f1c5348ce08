import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientProxyFactory, EventPattern, Payload } from '@nestjs/microservices';
import Redis from 'ioredis';
import { firstValueFrom, lastValueFrom, toArray } from 'rxjs';
import { CleaveClient, CleaveServer } from '@cleave/platform/bus';
import { eventually } from './support/eventually';

const ROOT = join(__dirname, '..');
const EXAMPLE = 'dist/examples/nest-transport/main.js';
/** Short enough that a killed instance's events are taken over within the test's patience. */
const CLAIM_IDLE_MS = 1500;

interface Summed {
  id: string;
  sum: number;
  by: string;
}
const summed: Summed[] = [];

/** The test's own plain Nest app, taking the example's `numbers.summed` events. */
@Controller()
class SummedListener {
  @EventPattern('numbers.summed')
  onSummed(@Payload() event: Summed): void {
    summed.push(event);
  }
}

@Module({ controllers: [SummedListener] })
class ListenerModule {}

interface Example {
  name: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<void>;
}

describe('the example app (examples/nest-transport): a plain Nest service on Cleave transport, two instances', () => {
  const prefix = `cleave-nest-example-${randomBytes(4).toString('hex')}`;
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const instances: Example[] = [];
  let listener: INestMicroservice;
  let math: ClientProxy;
  let redis: Redis;

  /** Starts `node dist/examples/nest-transport/main.js` as the README says, once it listens. */
  const start = (name: string): Promise<Example> => {
    const child = spawn(process.execPath, [EXAMPLE], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', REDIS_URL: redisUrl, CLEAVE_REDIS_PREFIX: prefix, CLEAVE_EVENTS_CLAIM_IDLE_MS: String(CLAIM_IDLE_MS), INSTANCE: name, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const example: Example = { name, child, output: [], exited: new Promise((done) => child.once('exit', () => done())) };
    instances.push(example);
    return new Promise((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        example.output.push(...chunk.toString().split('\n').filter(Boolean));
        if (example.output.some((line) => line.includes(`math ${name} listening`))) resolve(example);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void example.exited.then(() => reject(new Error(`example ${name} exited before listening:\n${example.output.join('\n')}`)));
    });
  };

  beforeAll(async () => {
    redis = new Redis(redisUrl);
    await Promise.all([start('a'), start('b')]);
    listener = await NestFactory.createMicroservice(ListenerModule, { strategy: new CleaveServer({ app: 'e2e-listener', url: redisUrl, prefix }), logger: false });
    await listener.listen();
    math = ClientProxyFactory.create({ customClass: CleaveClient, options: { app: 'e2e', url: redisUrl, prefix } });
  });

  afterAll(async () => {
    await math?.close();
    await listener?.close();
    for (const example of instances) {
      example.child.kill('SIGKILL');
      await example.exited;
    }
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('answers its object-pattern requests from both instances, a stream value by value, a pipe refusal as a 400', async () => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => firstValueFrom(math.send<{ sum: number; by: string }>({ cmd: 'sum' }, [i, 1]))));
    expect(answers.map((a) => a.sum)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(new Set(answers.map((a) => a.by))).toEqual(new Set(['a', 'b']));
    await expect(lastValueFrom(math.send('math.count', 20).pipe(toArray()))).resolves.toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await expect(firstValueFrom(math.send({ cmd: 'sum' }, ['x']))).rejects.toMatchObject({ status: 400 });
    await expect(firstValueFrom(math.send('math.divide', [1, 0]))).rejects.toMatchObject({ status: 404, message: expect.stringContaining('math.divide') });
  });

  it('sums each event once in all; an instance killed with kill -9 leaves its events to the other', async () => {
    const ids = Array.from({ length: 8 }, (_, i) => `e${i}`);
    const took = (example: Example) => example.output.filter((line) => line.includes('summing ')).map((line) => /summing ([\w-]+)/.exec(line)![1]);
    // Slow work, so that an instance holds events unacknowledged when it dies.
    for (const id of ids) await lastValueFrom(math.emit('numbers.added', { id, numbers: [1, 2, 3], holdMs: 500 }), { defaultValue: undefined });
    const victim = await eventually(() => {
      const busy = instances.find((example) => took(example).length > 0);
      expect(busy).toBeDefined();
      return busy!;
    }, 10_000, 10);
    const survivor = instances.find((example) => example !== victim)!;
    victim.child.kill('SIGKILL');
    await victim.exited;
    const held = took(victim);
    await eventually(() => expect(new Set(summed.map((s) => s.id))).toEqual(new Set(ids)), 20_000, 50);
    expect(summed.every((s) => s.sum === 6)).toBe(true);
    // What the victim took and never finished, the survivor did.
    const finished = new Set(summed.filter((s) => s.by === victim.name).map((s) => s.id));
    const abandoned = held.filter((id) => !finished.has(id));
    expect(abandoned.length).toBeGreaterThan(0);
    for (const id of abandoned) expect(summed.some((s) => s.id === id && s.by === survivor.name)).toBe(true);
  });
});
