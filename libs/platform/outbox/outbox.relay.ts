import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { withoutDeadline } from '@cleave/platform/context';
import { EventHandlersFailedError, ServiceBus } from '@cleave/platform/bus';
import { LeanSql, WriteQueue } from '@cleave/platform/database';
import { OutboxMessage } from './outbox-message.entity';
import { reportOutboxBacklog } from './outbox.metrics';

export interface OutboxRelaySettings {
  /** How often the relay looks for rows nobody kicked it for (left by a crash, another instance)... */
  pollMs: number;
  /**
   * ...at first: each poll that finds nothing doubles the wait, up to this. A commit here or a
   * poll that finds rows brings it back to `pollMs`. Default: the same as `pollMs` (no back-off).
   */
  idlePollMs?: number;
  batchSize: number;
  /** The longest wait between attempts while the bus refuses events. */
  maxBackoffMs: number;
  /**
   * One process only: an event its subscribers keep failing is given up after this many
   * attempts and no sooner than `parkAfterMs` after it was written (about what a Redis
   * consumer group takes: deliveries times the claim idle time).
   */
  maxDeliveries: number;
  parkAfterMs: number;
}

/** How a pass reads and changes the table: inside one locking transaction, or op by op. */
interface Batch {
  rows: OutboxMessage[];
  run<T>(change: (manager: EntityManager) => Promise<T>): Promise<T>;
}

/**
 * `more`: a full batch went, there may be more; `drained`: a short batch went, nothing is
 * left (a commit meanwhile kicks the relay again); `busy`: another instance relays right now.
 */
type PassOutcome = 'empty' | 'more' | 'drained' | 'failed' | 'busy';

/**
 * Hand-written, the relay's statements: through TypeORM's builder the read re-rendered its
 * SQL every pass and the delete inlined each seq, a new text per event for SQLite to prepare
 * (and to evict the domains' statements from better-sqlite3's cache of 100).
 */
const READ = 'SELECT seq, event_id, event, payload, traceparent, created_at, attempts FROM outbox WHERE dead_at IS NULL ORDER BY seq ASC LIMIT ?';
const DELETE = 'DELETE FROM outbox WHERE seq = ? AND dead_at IS NULL';

interface OutboxRow {
  seq: number;
  event_id: string;
  event: string;
  payload: string;
  traceparent: string | null;
  created_at: string;
  attempts: number;
}

/** While another instance relays, look again this soon: its pass may end before our rows are read. */
const BUSY_RETRY_MS = 50;

/**
 * Moves a module's committed events from its outbox table to the bus, oldest first, and
 * deletes each once the bus has it. Kicked after every commit that wrote events, and polling
 * for the rest; while the bus is down it backs off and keeps the rows, so an outage or a
 * crash delays events but never loses them. Delivery is at least once: a crash between
 * publishing and deleting re-sends the event under the same id, and consumers deduplicate.
 * On PostgreSQL one instance of a module relays at a time (a transaction-scoped advisory
 * lock), so several instances neither publish every event each nor overtake one another:
 * events leave in seq order. (Rows of transactions committing concurrently may still commit
 * out of seq order; consumers must not rely on order across such events.)
 *
 * Hand-written: outbox libraries for Node are tied to one ORM or broker; this one is a
 * loop over a table and ServiceBus.publishRecorded.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private readonly locking: boolean;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private busy = false;
  /** Polls in a row that found nothing: the back-off while the module is idle. */
  private emptyPolls = 0;
  /** The pass under way was started by the timer, not by a commit. */
  private polling = false;
  private unreport?: () => void;
  private readonly sql: LeanSql;

  constructor(
    readonly module: string,
    private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly bus: ServiceBus,
    private readonly settings: OutboxRelaySettings,
  ) {
    this.logger = new Logger(`Outbox:${module}`);
    this.locking = dataSource.options.type === 'postgres';
    this.sql = new LeanSql(dataSource);
  }

  /** Starts once the bus is up: what a previous run left is relayed first. */
  onApplicationBootstrap(): void {
    this.unreport = reportOutboxBacklog(this);
    this.stopped = false;
    this.kick();
  }

  /** Stops after the event in hand, before the bus closes; the rest waits in the table. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unreport?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Relay now (or right after the pass under way): something was just committed. */
  kick(): void {
    this.emptyPolls = 0;
    this.start(false);
  }

  private start(polling: boolean): void {
    if (this.stopped) return;
    // While backing off from a failing bus, new events wait for the timer like the others.
    if (this.running || (this.failures > 0 && this.timer)) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.polling = polling;
    // A kick comes from whoever just committed, inside its call: the pass must not inherit that
    // call's deadline (nobody waits for a relay, and a publish would get only what the call had left).
    this.running = withoutDeadline(() => this.drain()).finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again && this.failures === 0) return this.start(false);
      this.schedule();
    });
  }

  /** Rows waiting to be relayed, and those given up on: the backlog metrics. */
  async backlog(): Promise<{ count: number; oldestCreatedAt?: string; dead: number }> {
    const row = await this.writes.run(() =>
      this.dataSource
        .getRepository(OutboxMessage)
        .createQueryBuilder('m')
        .select('SUM(CASE WHEN m.dead_at IS NULL THEN 1 ELSE 0 END)', 'count')
        .addSelect('SUM(CASE WHEN m.dead_at IS NULL THEN 0 ELSE 1 END)', 'dead')
        .addSelect('MIN(CASE WHEN m.dead_at IS NULL THEN m.created_at END)', 'oldest')
        .getRawOne<{ count: string | number | null; dead: string | number | null; oldest: string | null }>(),
    );
    return { count: Number(row?.count ?? 0), oldestCreatedAt: row?.oldest ?? undefined, dead: Number(row?.dead ?? 0) };
  }

  private schedule(): void {
    const busy = this.busy;
    this.busy = false;
    this.again = false;
    const backoff = Math.min(this.settings.maxBackoffMs, 100 * 2 ** this.failures) * (0.5 + Math.random() / 2);
    const idle = Math.min(this.settings.idlePollMs ?? this.settings.pollMs, this.settings.pollMs * 2 ** this.emptyPolls);
    const delay = this.failures > 0 ? backoff : busy ? Math.min(BUSY_RETRY_MS, this.settings.pollMs) : Math.max(this.settings.pollMs, idle);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.start(true);
    }, delay);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      this.again = false;
      let outcome: PassOutcome;
      try {
        outcome = await this.pass();
      } catch (error) {
        this.fail(undefined, error);
        return;
      }
      if (outcome === 'busy') this.busy = true;
      if (outcome === 'more' || outcome === 'drained') this.emptyPolls = 0;
      else if (outcome === 'empty' && this.polling) this.emptyPolls = Math.min(this.emptyPolls + 1, 30);
      if (outcome !== 'more') return;
    }
  }

  /** One batch: on PostgreSQL in a transaction holding the module's relay lock, on SQLite op by op through the write queue. */
  private pass(): Promise<PassOutcome> {
    const read = async (manager: EntityManager): Promise<OutboxMessage[]> =>
      (await this.sql.rows<OutboxRow>(manager, READ, [this.settings.batchSize])).map(toMessage);
    if (this.locking) {
      return this.dataSource.transaction(async (manager) => {
        const [{ locked }] = await manager.query('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [`cleave-outbox:${this.module}`]);
        if (!locked) return 'busy';
        return this.relay({ rows: await read(manager), run: (change) => change(manager) });
      });
    }
    // Queued with the writes: on SQLite's one shared connection a read beside an open
    // transaction would see (and publish) rows that may yet roll back.
    return this.writes.run(() => read(this.dataSource.manager)).then((rows) => this.relay({ rows, run: (change) => this.writes.run(() => change(this.dataSource.manager)) }));
  }

  private async relay({ rows, run }: Batch): Promise<PassOutcome> {
    if (rows.length === 0) {
      this.failures = 0;
      return 'empty';
    }
    for (const message of rows) {
      if (this.stopped) return 'failed';
      try {
        await this.bus.publishRecorded({ eventId: message.eventId, event: message.event, payload: JSON.parse(message.payload), traceparent: message.traceparent });
      } catch (error) {
        const attempts = message.attempts + 1;
        const age = Date.now() - Date.parse(message.createdAt);
        if (error instanceof EventHandlersFailedError && attempts >= this.settings.maxDeliveries && age >= this.settings.parkAfterMs) {
          // A poison event must not hold up every later one: park it, as the Redis path
          // moves it to a dead-letter stream.
          this.logger.error(`Giving up ${message.event} ${message.eventId} after ${attempts} attempts; kept in ${this.module}'s outbox: ${errorText(error)}`);
          await run((manager) => manager.update(OutboxMessage, { seq: message.seq }, { attempts, lastError: errorText(error), deadAt: new Date().toISOString() }));
          continue;
        }
        this.fail(message, error);
        await run((manager) => manager.update(OutboxMessage, { seq: message.seq }, { attempts, lastError: errorText(error) })).catch(() => undefined);
        return 'failed';
      }
      // A failed delete leaves a published row: it is sent again, and deduplicated.
      await run((manager) => this.sql.changed(manager, DELETE, [message.seq]));
      this.failures = 0;
    }
    // A short batch took all there was: no second pass to find the table empty.
    return rows.length < this.settings.batchSize ? 'drained' : 'more';
  }

  private fail(message: OutboxMessage | undefined, error: unknown): void {
    this.failures++;
    // One line per outage, then one per ten attempts: the backlog metric tells the rest.
    if (this.failures === 1 || this.failures % 10 === 0) {
      const what = message ? `${message.event} ${message.eventId} (attempt ${message.attempts + 1})` : 'its outbox';
      this.logger.warn(`Cannot relay ${what} of ${this.module}; keeping it and retrying: ${errorText(error)}`);
    }
  }
}

function toMessage(row: OutboxRow): OutboxMessage {
  return {
    seq: Number(row.seq),
    eventId: row.event_id,
    event: row.event,
    payload: row.payload,
    traceparent: row.traceparent,
    createdAt: row.created_at,
    attempts: Number(row.attempts),
    lastError: null,
    deadAt: null,
  };
}

function errorText(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
