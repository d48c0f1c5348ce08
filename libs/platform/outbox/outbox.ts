import { randomUUID } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { AnyContract, EventName, PayloadOf } from '@cleave/contracts/kernel/contract';
import { activeTraceparent } from '@cleave/platform/tracing';
import { LeanSql, WriteQueue } from '@cleave/platform/database';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRelay } from './outbox.relay';

/** What a unit of work sees: the transaction's EntityManager and a way to publish with it. */
export interface OutboxTransaction {
  readonly manager: EntityManager;
  /** Records the event; it is written with the transaction and published only if it commits. */
  publish<C extends AnyContract, K extends EventName<C>>(contract: C, event: K, payload: PayloadOf<C['events'][K]>): void;
}

/**
 * A module's transactional outbox: state changes and the events they cause commit together
 * or not at all, and the relay publishes what committed, surviving crashes and bus outages.
 * Provided by `DatabaseModule.forModule({ ..., outbox: true })`; inject `Outbox`.
 */
/**
 * Hand-written: TypeORM's insert read every event's row back on SQLite (for its seq and
 * defaults, which nobody here needs), one more statement per event in a checkout's
 * transactions (issue 16).
 */
const INSERT = 'INSERT INTO outbox (event_id, event, payload, traceparent, created_at, attempts) VALUES (?, ?, ?, ?, ?, 0)';

export class Outbox {
  private readonly sql: LeanSql;

  constructor(
    private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly relay: OutboxRelay,
  ) {
    this.sql = new LeanSql(dataSource);
  }

  /** Runs `work` in one transaction of this module's database (writes queued on SQLite). */
  async transaction<T>(work: (tx: OutboxTransaction) => Promise<T>): Promise<T> {
    let written = 0;
    const result = await this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        const messages: Pick<OutboxMessage, 'eventId' | 'event' | 'payload' | 'traceparent' | 'createdAt'>[] = [];
        // Read once, on the first event: most transactions publish none.
        let traceparent: string | null | undefined;
        const tx: OutboxTransaction = {
          manager,
          publish: (contract, event, payload) => {
            if (!(event in contract.events)) throw new Error(`${contract.module} declares no event "${String(event)}"`);
            if (traceparent === undefined) traceparent = activeTraceparent() ?? null;
            messages.push({ eventId: randomUUID(), event, payload: JSON.stringify(payload), traceparent, createdAt: new Date().toISOString() });
          },
        };
        const value = await work(tx);
        // One insert per row: one prepared text whatever the count (a transaction publishes one event, mostly).
        for (const { eventId, event, payload, traceparent: parent, createdAt } of messages) {
          await this.sql.changed(manager, INSERT, [eventId, event, payload, parent, createdAt]);
        }
        written = messages.length;
        return value;
      }),
    );
    if (written > 0) this.relay.kick();
    return result;
  }
}
