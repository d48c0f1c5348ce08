import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { CleaveError, InternalError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { currentCall } from '@cleave/platform/context';
import { TargetPolicies } from '@cleave/platform/resilience';
import { BusClientProxy, ReplySink } from '../../bus.client-proxy';
import { BUS_OPTIONS, TransportOptions } from '../../bus.options';
import { BusMetrics } from '../../bus.metrics';
import { decodeMessage, Envelope, Reply } from '../../envelope';
import { hashTag, RedisConnection, RedisConnections } from '@cleave/platform/redis';
import { RouteTable } from '../../routing/route-table';

/** Longest a publish waits for its replicas (WAIT's timeout). */
const MAX_REPLICA_WAIT_MS = 500;

interface UnreplicatedEvent {
  event: string;
  stream: string;
  message: string;
  budget: number;
  resolve(): void;
  reject(error: Error): void;
}

interface Pending {
  /** A streamed request's values; resolve then takes its completion. */
  next?(value: unknown): void;
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
  private broadcastSubscriber?: RedisConnection;
  /** Publishes that wait for replicas, opened by the first one. */
  private publisher?: RedisConnection;
  private readonly unreplicated = new Map<string, UnreplicatedEvent[]>();
  private flushScheduled = false;
  private readonly broadcastListeners = new Map<string, Set<(payload: unknown) => void>>();
  private readonly routes: RouteTable;
  private listening?: Promise<void>;

  constructor(
    @Inject(BUS_OPTIONS) options: TransportOptions,
    metrics: BusMetrics,
    private readonly redis: RedisConnections,
    @Optional() policies?: TargetPolicies,
  ) {
    super(options, metrics, policies);
    this.replyChannel = redis.keys.replies(options.instanceId);
    this.routes = new RouteTable(redis.command, redis.keys.routes(), options.routes);
  }

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  /** Subscribes to this instance's reply channel, once (Nest calls it before every send). */
  override connect(): Promise<void> {
    return (this.listening ??= (async () => {
      const subscriber = this.redis.dedicated('replies');
      subscriber.on('message', (_channel: string, message: string) => this.onReply(message));
      await subscriber.subscribe(this.replyChannel);
    })());
  }

  request(module: string, pattern: string, data: unknown, timeoutMs?: number, traceparent?: string): Promise<unknown> {
    const envelope = this.requestEnvelope(pattern, data, timeoutMs, this.replyChannel, traceparent);
    return new Promise((resolve, reject) => void this.dispatch(module, envelope, { resolve, reject }));
  }

  stream(target: string, pattern: string, data: unknown, sink: ReplySink, timeoutMs: number, traceparent?: string): () => void {
    const envelope: Envelope = { ...this.requestEnvelope(pattern, data, timeoutMs, this.replyChannel, traceparent), stream: true };
    const id = this.dispatch(target, envelope, { next: (value) => sink.next(value), resolve: () => sink.complete(), reject: (error) => sink.error(error as CleaveError) });
    return () => {
      const pending = id === undefined ? undefined : this.pending.get(id);
      if (!pending) return;
      this.pending.delete(id!);
      clearTimeout(pending.timer);
    };
  }

  /**
   * `<module>.<name>` of a module in the topology goes to that module's queue; any other
   * pattern to the queue of the app that registered it (RouteTable), or fails at once.
   */
  protected targetOf(pattern: string): string | Promise<string> {
    const dot = pattern.indexOf('.');
    const module = dot > 0 ? pattern.slice(0, dot) : undefined;
    const topology = this.options.topology;
    if (module && topology && Object.values(topology.processes).some((p) => p.modules.includes(module))) return module;
    return this.routes.appOf(pattern).then((app) => `@${app}`);
  }

  /** Queues the request on `target`'s list and waits for its replies until the deadline; undefined if it could not be sent. */
  private dispatch(target: string, envelope: Envelope, handlers: Pick<Pending, 'next' | 'resolve' | 'reject'>): string | undefined {
    const pattern = envelope.pattern;
    let message: string;
    try {
      message = JSON.stringify(envelope);
    } catch (error) {
      handlers.reject(new InternalError(`The request ${pattern} could not be serialised: ${(error as Error).message}`));
      return undefined;
    }
    const started = Date.now();
    const startedHr = performance.now();
    const caller = this.caller();
    const remaining = envelope.deadline! - started;
    const timer = setTimeout(() => {
      if (!this.pending.delete(envelope.id)) return;
      this.record(caller, pattern, 'timeout', startedHr);
      handlers.reject(this.timeoutError(target, pattern, envelope, started));
    }, remaining > 0 ? remaining : 0);
    this.pending.set(envelope.id, { ...handlers, timer, pattern, caller, startedHr });
    const queue = target.startsWith('@') ? this.redis.keys.appRequests(target.slice(1)) : this.redis.keys.requests(target);
    this.redis.command.lpush(queue, message).catch((error: Error) => {
      if (!this.pending.delete(envelope.id)) return;
      clearTimeout(timer);
      this.record(caller, pattern, 'error', startedHr);
      const name = target.replace(/^@/, '');
      handlers.reject(new ServiceUnavailableError(`Cannot reach ${name}: Redis refused the request (${error.message})`, { target: name, pattern }));
    });
    return envelope.id;
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
      await Promise.race([this.append(event, message, budget), timeout]);
    } catch (error) {
      if (error instanceof CleaveError) throw error;
      throw new ServiceUnavailableError(`Cannot publish ${event}: Redis refused it (${(error as Error).message})`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * XADD, and where replicas are asked for (a cluster or Sentinel), WAIT for them: Redis
   * replicates asynchronously, so an event only the master held would be lost if the master
   * died before passing it on. A publish short of its replicas fails, and the outbox sends it
   * again (consumers take an event id once).
   *
   * WAIT blocks the connection it is sent on, so it never goes on the shared command
   * connection (a shard without replicas would hold up every request and heartbeat behind
   * it): publishes go on a connection of their own, and those of one tick share one WAIT per
   * stream (a pipeline reaches one node: the stream's master, the one WAIT must ask).
   */
  private append(event: string, message: string, budget: number): Promise<void> {
    const stream = this.redis.keys.events(event);
    if (this.redis.replicasToAck === 0) return this.redis.command.xadd(stream, '*', 'm', message).then(() => undefined);
    return new Promise((resolve, reject) => {
      const group = this.redis.clustered ? hashTag(stream) : '';
      const batch = this.unreplicated.get(group) ?? [];
      if (!batch.length) this.unreplicated.set(group, batch);
      batch.push({ event, stream, message, budget, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flushReplicated());
      }
    });
  }

  private flushReplicated(): void {
    this.flushScheduled = false;
    const batches = [...this.unreplicated.values()];
    this.unreplicated.clear();
    const replicas = this.redis.replicasToAck;
    const connection = (this.publisher ??= this.redis.dedicated('events'));
    for (const batch of batches) {
      const pipeline = connection.pipeline();
      for (const each of batch) pipeline.xadd(each.stream, '*', 'm', each.message);
      // Healthy replicas answer within milliseconds; without any, a short wait keeps the queue behind it short.
      const waitMs = Math.max(1, Math.min(MAX_REPLICA_WAIT_MS, ...batch.map((b) => b.budget)));
      pipeline.wait(replicas, waitMs);
      pipeline.exec().then(
        (results) => {
          const acknowledged = Number(results?.[batch.length]?.[1] ?? 0);
          // A pipeline that reached a node that no longer owns the slot (a failover) is not
          // redirected by ioredis when part of it (the WAIT) succeeded there; one plain command
          // on the key is, and teaches the connection the slot's new master for the retry.
          if (results?.some(([error]) => /^(MOVED|ASK) /.test(String((error as Error | null)?.message)))) void connection.exists(batch[0].stream).catch(() => undefined);
          batch.forEach((each, i) => {
            const error = results?.[i]?.[0];
            if (error) each.reject(error);
            else if (acknowledged < replicas) each.reject(new ServiceUnavailableError(`Cannot publish ${each.event}: ${acknowledged} of ${replicas} replicas took it within ${waitMs} ms`));
            else each.resolve();
          });
        },
        (error: Error) => batch.forEach((each) => each.reject(error)),
      );
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
    if ('next' in reply) return pending.next?.(reply.next);
    this.pending.delete(reply.id);
    clearTimeout(pending.timer);
    if ('error' in reply) {
      this.record(pending.caller, pending.pattern, 'error', pending.startedHr);
      pending.reject(CleaveError.fromJSON(reply.error));
    } else {
      this.record(pending.caller, pending.pattern, 'ok', pending.startedHr);
      pending.resolve('data' in reply ? reply.data : undefined);
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
