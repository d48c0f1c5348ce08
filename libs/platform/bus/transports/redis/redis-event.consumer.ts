import { Logger } from '@nestjs/common';
import { TransportOptions } from '../../bus.options';
import { Envelope } from '../../envelope';
import { BusServer } from '../../bus.server';
import { ConsumerLag, DeadLetterCount } from '../../bus.metrics';
import { RedisConnections, RedisConnection } from '@cleave/platform/redis';
import { failureText } from '../../bus-exception.filter';
import { deadLetterFields, fieldValue, REPLAYED_FOR } from './dead-letter.format';

type StreamEntry = [id: string, fields: string[]];

/** How often the consumer trims the streams it reads. */
const TRIM_EVERY_MS = 60_000;
/** How long an entry's errors are kept after the latest one, should nobody deliver it again. */
const FAILURES_TTL_MS = 24 * 3600_000;
/** Longest the reader blocks before it looks again; a stop wakes it through its wake stream. */
export const BLOCK_MS = 5000;
/**
 * The wake stream's time to live, renewed by the reader: a crashed instance's goes away by
 * itself. Far above BLOCK_MS, so it never lapses under a reader that is blocked.
 */
const WAKE_TTL_MS = 60_000;
/**
 * While the claim pass finds nothing to take over, its interval doubles up to a quarter of
 * the claim idle time (a takeover is then at most a quarter late); anything delivered or
 * failed here resets it.
 */
const CLAIM_BACKOFF_SHARE = 4;

/**
 * One subscribing module's delivery of events, on one instance. Each event type is a
 * stream; the module is a consumer group on it (so every subscribing module gets every
 * event, and its instances share them); this instance is one consumer of that group.
 *
 * - Delivered at least once: an entry is acknowledged only after the handler succeeded.
 *   Handlers must be idempotent on the envelope id (the same event may arrive twice).
 * - Survives a down subscriber: the group remembers its position while nobody reads.
 * - Survives a dead instance: entries it held unacknowledged for `eventClaimIdleMs` are
 *   claimed by a live instance of the same module.
 * - Poison events: an entry delivered `eventMaxDeliveries` times goes to a dead-letter
 *   stream with its first and latest error, and is acknowledged, so it holds up nothing
 *   behind it. A replayed dead letter is addressed to the one module that failed it
 *   (DeadLetters.replay); the other modules' groups acknowledge it unhandled.
 * - Retention: a stream is trimmed only below the oldest entry some existing group has not
 *   read or not acknowledged (XTRIM MINID), never below what a group still needs. A module
 *   subscribing for the first time gets what is still retained, not more.
 * - Backpressure: at most `maxInFlight` events are handled at once per instance; one slow
 *   handler holds one slot, not the whole reader.
 * Events are handled concurrently: no ordering is promised.
 */
export class RedisEventConsumer {
  private readonly logger: Logger;
  private readonly streams: string[];
  private running = false;
  /** Entries being handled here, keyed by stream and id (ids are unique per stream only). */
  private readonly inProgress = new Set<string>();
  private wakeReader?: () => void;
  private whenIdle?: () => void;
  private claimTimer?: NodeJS.Timeout;
  /** Where each stream's next look at the pending list starts. */
  private readonly claimCursors = new Map<string, string>();
  private loop?: Promise<void>;
  private lastTrim = Date.now();
  /**
   * A stream read with the others only to be woken: a stop adds an entry to it. A per-instance
   * stream (a shared one would wake whichever instance of the group is next), with a TTL.
   */
  private readonly wakeStream: string;
  private wakeRenewedAt = 0;
  private claimDelayMs: number;
  private claiming = false;
  /** Events came or failed here since the last claim pass. */
  private workSeen = false;

  constructor(
    private readonly group: string,
    private readonly events: string[],
    private readonly server: BusServer,
    private readonly reader: RedisConnection,
    private readonly redis: RedisConnections,
    private readonly options: TransportOptions,
  ) {
    this.logger = new Logger(`Events:${group}`);
    this.streams = events.map((e) => redis.keys.events(e));
    this.wakeStream = redis.keys.wake(this.streams[0], options.instanceId);
    this.claimDelayMs = options.eventClaimIntervalMs;
  }

  async start(): Promise<void> {
    await this.ensureGroups();
    this.running = true;
    this.loop = this.read();
    this.scheduleClaim();
  }

  private scheduleClaim(): void {
    if (!this.running) return;
    this.claimTimer = setTimeout(() => {
      this.claiming = true;
      void this.claimAbandoned().finally(() => {
        this.claiming = false;
        this.scheduleClaim();
      });
    }, this.claimDelayMs);
    this.claimTimer.unref();
  }

  /** Work came (or failed) here: abandoned events are likelier now, so look at the base rate. */
  private claimSoon(): void {
    this.workSeen = true;
    if (this.claimDelayMs === this.options.eventClaimIntervalMs) return;
    this.claimDelayMs = this.options.eventClaimIntervalMs;
    // A pass under way schedules the next itself, at the new rate.
    if (this.claiming) return;
    clearTimeout(this.claimTimer);
    this.scheduleClaim();
  }

  /** After a pass: back at the base rate if it or this instance had work, else half as often. */
  private nextClaimDelay(found: boolean): number {
    const base = this.options.eventClaimIntervalMs;
    const ceiling = Math.max(base, this.options.eventClaimIdleMs / CLAIM_BACKOFF_SHARE);
    const busy = found || this.workSeen;
    this.workSeen = false;
    return busy ? base : Math.min(ceiling, this.claimDelayMs * 2);
  }

  /** Creates the module's group on each stream, if missing (a Redis that lost its data, say). */
  private async ensureGroups(): Promise<void> {
    for (const stream of [...this.streams, this.wakeStream]) {
      try {
        // From the stream's start: events published before this module's first start still reach it.
        await this.redis.command.xgroup('CREATE', stream, this.group, '0', 'MKSTREAM');
      } catch (error) {
        if (!String((error as Error).message).includes('BUSYGROUP')) throw error;
      }
    }
    await this.renewWake(true);
  }

  private async renewWake(now = false): Promise<void> {
    if (!now && Date.now() - this.wakeRenewedAt < WAKE_TTL_MS / 4) return;
    this.wakeRenewedAt = Date.now();
    await this.redis.command.pexpire(this.wakeStream, WAKE_TTL_MS);
  }

  /** Events being handled here right now. */
  get inFlight(): number {
    return this.inProgress.size;
  }

  stop(): void {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.claimTimer);
    this.wakeReader?.();
    // Ends the reader's block now, never by cutting its connection: entries delivered as it
    // closed would wait for a claim (eventClaimIdleMs) instead of being handled here.
    this.redis.command.xadd(this.wakeStream, '*', 'w', 'stop').catch((error: Error) => this.logger.warn(`Could not wake the event reader: ${error.message}`));
  }

  /** Resolves once the reader has stopped and every event it took is handled. */
  async drained(): Promise<void> {
    await this.loop?.catch(() => undefined);
    await this.redis.command.del(this.wakeStream).catch(() => undefined);
    if (this.inProgress.size) await new Promise<void>((resolve) => (this.whenIdle = resolve));
  }

  private async read(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const free = this.options.maxInFlight - this.inProgress.size;
      if (free <= 0) {
        await new Promise<void>((resolve) => (this.wakeReader = resolve));
        continue;
      }
      let batches: [string, StreamEntry[]][] | null;
      try {
        batches = (await this.reader.xreadgroup(
          'GROUP', this.group, this.options.instanceId,
          'COUNT', Math.min(this.options.batchSize, free),
          'BLOCK', BLOCK_MS,
          'STREAMS', this.wakeStream, ...this.streams, '>', ...this.streams.map(() => '>'),
        )) as [string, StreamEntry[]][] | null;
        failures = 0;
        this.renewWake().catch(() => undefined);
      } catch (error) {
        if (!this.running) return;
        if (String((error as Error).message).includes('NOGROUP')) await this.ensureGroups().catch(() => undefined);
        this.logger.error(`Reading events failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures++, 2000)));
        continue;
      }
      if (!batches) continue;
      for (const [stream, entries] of batches) {
        if (stream === this.wakeStream) continue;
        this.claimSoon();
        for (const entry of entries) void this.process(stream, entry);
      }
    }
  }

  /** `retried`: delivered before (claimed), so it may have failures on record to clear. */
  private async process(stream: string, [id, fields]: StreamEntry, retried = false): Promise<void> {
    const key = `${stream}\u0000${id}`;
    if (this.inProgress.has(key)) return;
    this.inProgress.add(key);
    try {
      const addressee = fieldValue(fields, REPLAYED_FOR, false);
      if (addressee !== undefined && addressee !== this.group) {
        // A replay of another module's dead letter: this module handled the event already.
        await this.redis.command.xack(stream, this.group, id);
        return;
      }
      const envelope = JSON.parse(fieldValue(fields, 'm')) as Envelope;
      await this.server.deliverEvent(this.group, envelope);
      await this.redis.command.xack(stream, this.group, id);
      if (retried) await this.redis.command.hdel(this.failuresKey(stream), ...failureFields(id));
    } catch (error) {
      // Left pending: claimed again after eventClaimIdleMs, dead-lettered after too many tries.
      const text = failureText(error);
      this.logger.warn(`${this.group} failed ${stream} entry ${id}: ${text}`);
      this.claimSoon();
      await this.recordFailure(stream, id, text).catch(() => undefined);
    } finally {
      this.inProgress.delete(key);
      const wake = this.wakeReader;
      this.wakeReader = undefined;
      wake?.();
      if (this.inProgress.size === 0) this.whenIdle?.();
    }
  }

  /** Keeps the entry's first and latest error, for its dead letter should it come to that. */
  private async recordFailure(stream: string, id: string, text: string): Promise<void> {
    const failures = this.failuresKey(stream);
    const [first, last] = failureFields(id);
    const at = new Date().toISOString();
    await this.redis.command
      .multi()
      .hsetnx(failures, first, JSON.stringify({ error: text, at }))
      .hset(failures, last, JSON.stringify({ error: text, at }))
      .pexpire(failures, FAILURES_TTL_MS)
      .exec();
  }

  private failuresKey(stream: string): string {
    return this.redis.keys.deliveryFailures(this.events[this.streams.indexOf(stream)], this.group);
  }

  /** How far this module's group is behind on each stream. */
  async lag(): Promise<ConsumerLag[]> {
    const result: ConsumerLag[] = [];
    for (const [index, stream] of this.streams.entries()) {
      const groups = (await this.redis.command.xinfo('GROUPS', stream)) as unknown[][];
      const mine = groups.map(toRecord).find((g) => g.name === this.group);
      if (mine) result.push({ group: this.group, event: this.events[index], lag: Number(mine.lag ?? 0), pending: Number(mine.pending ?? 0) });
    }
    return result;
  }

  /** How many entries wait in the dead-letter stream of each event this module subscribes to. */
  async deadLetterCounts(): Promise<DeadLetterCount[]> {
    return Promise.all(this.events.map(async (event) => ({ event, count: await this.redis.command.xlen(this.redis.keys.deadLetters(event)) })));
  }

  /** Takes over entries idle too long: held by a dead instance, or failed here earlier. */
  private async claimAbandoned(): Promise<void> {
    if (!this.running) return;
    let found = false;
    try {
      for (const stream of this.streams) {
        const idle = this.options.eventClaimIdleMs;
        // Pages through the pending list, so entries held here for long cannot hide later ones.
        const start = this.claimCursors.get(stream) ?? '-';
        const pending = (await this.redis.command.xpending(stream, this.group, 'IDLE', idle, start, '+', this.options.batchSize)) as [string, string, number, number][];
        this.claimCursors.set(stream, pending.length < this.options.batchSize ? '-' : `(${pending[pending.length - 1][0]}`);
        const candidates = pending.filter(([id]) => !this.inProgress.has(`${stream}\u0000${id}`));
        if (!candidates.length) continue;
        found = true;
        const deliveries = new Map(candidates.map(([id, , , count]) => [id, count]));
        const claimed = (await this.redis.command.xclaim(stream, this.group, this.options.instanceId, idle, ...candidates.map(([id]) => id))) as StreamEntry[];
        for (const entry of claimed) {
          if (!entry) continue;
          const count = deliveries.get(entry[0]) ?? 0;
          if (count >= this.options.eventMaxDeliveries) await this.deadLetter(stream, entry, count);
          else void this.process(stream, entry, true);
        }
      }
      if (Date.now() - this.lastTrim >= TRIM_EVERY_MS) {
        this.lastTrim = Date.now();
        for (const stream of this.streams) await this.trim(stream);
      }
    } catch (error) {
      found = true;
      if (this.running) this.logger.error(`Claiming abandoned events failed: ${(error as Error).message}`);
    }
    this.claimDelayMs = this.nextClaimDelay(found);
  }

  /** Moves the entry, with its errors on record, to the event's dead-letter stream, and acknowledges it. */
  private async deadLetter(stream: string, [id, fields]: StreamEntry, deliveries: number): Promise<void> {
    const event = this.events[this.streams.indexOf(stream)];
    const failures = this.failuresKey(stream);
    const [first, last] = (await this.redis.command.hmget(failures, ...failureFields(id))).map((raw) => (raw ? (JSON.parse(raw) as { error: string }).error : ''));
    this.logger.error(`${this.group} gave up on ${event} entry ${id} after ${deliveries} deliveries; moved to dead letters: ${last || 'no error on record'}`);
    await this.redis.command
      .multi()
      .xadd(this.redis.keys.deadLetters(event), '*', ...deadLetterFields({ group: this.group, entry: id, deliveries, firstError: first, lastError: last, message: fieldValue(fields, 'm') }))
      .xack(stream, this.group, id)
      .hdel(failures, ...failureFields(id))
      .exec();
  }

  /** Trims below the oldest entry that any group has not yet read or acknowledged. */
  private async trim(stream: string): Promise<void> {
    const groups = (await this.redis.command.xinfo('GROUPS', stream)) as unknown[][];
    let floor: string | undefined;
    for (const raw of groups) {
      const info = toRecord(raw);
      let needed = String(info['last-delivered-id']);
      if (Number(info.pending) > 0) {
        const [, oldestPending] = (await this.redis.command.xpending(stream, String(info.name))) as [number, string | null];
        if (oldestPending && compareIds(oldestPending, needed) < 0) needed = oldestPending;
      }
      if (floor === undefined || compareIds(needed, floor) < 0) floor = needed;
    }
    if (floor && floor !== '0-0') await this.redis.command.xtrim(stream, 'MINID', floor);
  }
}

/** The hash fields of an entry's first and latest error. */
function failureFields(id: string): [string, string] {
  return [`${id}:first`, `${id}:last`];
}

function toRecord(flat: unknown[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (let i = 0; i < flat.length; i += 2) record[String(flat[i])] = flat[i + 1];
  return record;
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}
