import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { CleaveError, InternalError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { currentCall } from '@cleave/platform/context';
import { BusClientProxy } from '../../bus.client-proxy';
import { BUS_OPTIONS, BusOptions } from '../../bus.options';
import { BusMetrics } from '../../bus.metrics';
import { decodeMessage, Reply } from '../../envelope';
import type Redis from 'ioredis';
import { RedisConnections } from '@cleave/platform/redis';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  pattern: string;
  caller: string;
  startedHr: number;
}

/**
 * Requests go on the target module's queue (a list), where whichever instance is free pops
 * them; answers come back on this instance's own reply channel. Events are appended to the
 * event's stream. Every request has a deadline and ends in an answer or a 503, never a hang.
 */
@Injectable()
export class RedisClient extends BusClientProxy implements OnModuleInit, OnApplicationShutdown {
  protected readonly transport = 'redis' as const;
  private readonly pending = new Map<string, Pending>();
  private readonly replyChannel: string;
  private readonly logger = new Logger('RedisBus');
  private broadcastSubscriber?: Redis;
  private readonly broadcastListeners = new Map<string, Set<(payload: unknown) => void>>();

  constructor(
    @Inject(BUS_OPTIONS) options: BusOptions,
    metrics: BusMetrics,
    private readonly redis: RedisConnections,
  ) {
    super(options, metrics);
    this.replyChannel = redis.keys.replies(options.instanceId);
  }

  async onModuleInit(): Promise<void> {
    const subscriber = this.redis.dedicated('replies');
    subscriber.on('message', (_channel: string, message: string) => this.onReply(message));
    await subscriber.subscribe(this.replyChannel);
  }

  request(module: string, pattern: string, data: unknown, timeoutMs?: number, traceparent?: string): Promise<unknown> {
    const envelope = this.requestEnvelope(pattern, data, timeoutMs, this.replyChannel, traceparent);
    let message: string;
    try {
      message = JSON.stringify(envelope);
    } catch (error) {
      return Promise.reject(new InternalError(`The request ${pattern} could not be serialised: ${(error as Error).message}`));
    }
    const started = Date.now();
    const startedHr = performance.now();
    const caller = this.caller();
    return new Promise((resolve, reject) => {
      const remaining = envelope.deadline! - started;
      const timer = setTimeout(() => {
        if (!this.pending.delete(envelope.id)) return;
        this.record(caller, pattern, 'timeout', startedHr);
        reject(this.timeoutError(module, pattern, envelope, started));
      }, remaining > 0 ? remaining : 0);
      this.pending.set(envelope.id, { resolve, reject, timer, pattern, caller, startedHr });
      this.redis.command.lpush(this.redis.keys.requests(module), message).catch((error: Error) => {
        if (!this.pending.delete(envelope.id)) return;
        clearTimeout(timer);
        this.record(caller, pattern, 'error', startedHr);
        reject(new ServiceUnavailableError(`Cannot reach ${module}: Redis refused the request (${error.message})`, { target: module, pattern }));
      });
    });
  }

  /**
   * Appends the event to its stream. Bounded like a request (by the caller's deadline, else
   * the bus timeout): while Redis is away, ioredis would otherwise queue the command for as
   * long as it keeps reconnecting.
   */
  async emitEvent(event: string, data: unknown, traceparent?: string, id?: string): Promise<void> {
    const message = JSON.stringify(this.eventEnvelope(event, data, traceparent, id));
    const inherited = currentCall()?.deadline;
    const budget = Math.max(0, Math.min(this.options.requestTimeoutMs, inherited === undefined ? Infinity : inherited - Date.now()));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new ServiceUnavailableError(`Cannot publish ${event}: Redis did not take it within ${budget} ms`)), budget);
    });
    try {
      await Promise.race([this.redis.command.xadd(this.redis.keys.events(event), '*', 'm', message), timeout]);
    } catch (error) {
      if (error instanceof CleaveError) throw error;
      throw new ServiceUnavailableError(`Cannot publish ${event}: Redis refused it (${(error as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }

  /** PUBLISH to the broadcast's channel: every process subscribed right now gets it. */
  async broadcast(name: string, payload: unknown): Promise<void> {
    await this.redis.command.publish(this.redis.keys.broadcasts(name), JSON.stringify(payload));
  }

  onBroadcast(name: string, listener: (payload: unknown) => void): () => void {
    const channel = this.redis.keys.broadcasts(name);
    if (!this.broadcastSubscriber) {
      // One more connection, opened by the first listener: a subscriber can do nothing else.
      const subscriber = (this.broadcastSubscriber = this.redis.dedicated('broadcasts'));
      subscriber.on('message', (from: string, message: string) => {
        const payload = decodeMessage<unknown>(message, 'broadcast', this.logger);
        if (payload === undefined) return;
        for (const each of [...(this.broadcastListeners.get(from) ?? [])]) each(payload);
      });
    }
    let listeners = this.broadcastListeners.get(channel);
    if (!listeners) {
      this.broadcastListeners.set(channel, (listeners = new Set()));
      void this.broadcastSubscriber.subscribe(channel).catch((error: Error) => this.logger.error(`Cannot listen to ${name}: ${error.message}`));
    }
    listeners.add(listener);
    return () => void listeners.delete(listener);
  }

  private onReply(message: string): void {
    const reply = decodeMessage<Reply>(message, 'reply', this.logger);
    if (!reply) return;
    const pending = this.pending.get(reply.id);
    if (!pending) return; // answered after its deadline: the caller has had its 503 already
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if ('error' in reply) {
      this.record(pending.caller, pending.pattern, 'error', pending.startedHr);
      pending.reject(CleaveError.fromJSON(reply.error));
    } else {
      this.record(pending.caller, pending.pattern, 'ok', pending.startedHr);
      pending.resolve(reply.data);
    }
  }

  /** After the servers have drained: whatever still waits gets its answer now, not at its deadline. */
  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  override async close(): Promise<void> {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new ServiceUnavailableError(`Shutting down before ${pending.pattern} was answered`));
      this.pending.delete(id);
    }
  }
}
