import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Brackets, EntityManager, Repository } from 'typeorm';
import { ListOrders, OrderStatus } from '@cleave/contracts/orders/orders.contract';
import { Outbox, OutboxTransaction } from '@cleave/platform/outbox';
import { LeanSql, WriteQueue } from '@cleave/platform/database';
import { Order, SagaStep } from './order.entity';

/** What a transition requires of the row as it stands. */
export interface Expected {
  step: SagaStep;
  status?: OrderStatus | OrderStatus[];
}

/**
 * The orders table, where every saga move is a compare-and-set: it applies only when the
 * row is still where the mover saw it, so two drivers of one order (a slow one and the one
 * recovery started) can never both move it, and events go out with the move that caused
 * them (outbox).
 */
@Injectable()
export class OrderRepository {
  private readonly sql: LeanSql;
  /** Order's properties and their columns, in the table's order. */
  private readonly columns: ReadonlyMap<keyof Order, string>;
  private readonly insertSql: string;
  /** The UPDATE text of each kind of move (which columns, how many statuses allowed), built once. */
  private readonly moves = new Map<string, string>();

  constructor(
    @InjectRepository(Order, 'orders') private readonly orders: Repository<Order>,
    private readonly writes: WriteQueue,
    private readonly outbox: Outbox,
  ) {
    this.sql = new LeanSql(orders.manager.connection);
    this.columns = new Map(orders.metadata.columns.map((column) => [column.propertyName as keyof Order, column.databaseName]));
    const names = [...this.columns.values()];
    this.insertSql = `INSERT INTO orders (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`;
  }

  /** Hand-written: TypeORM's insert read the row back for its defaults, which the order already holds. */
  insert(order: Order): Promise<void> {
    const params = [...this.columns.keys()].map((property) => this.param(order[property]));
    return this.writes.run(async () => void (await this.sql.changed(this.orders.manager, this.insertSql, params)));
  }

  findById(id: string): Promise<Order | null> {
    return this.orders.findOneBy({ id });
  }

  findByKey(userId: string, idempotencyKey: string): Promise<Order | null> {
    return this.orders.findOneBy({ userId, idempotencyKey });
  }

  /**
   * Moves the order from `expected` with `patch` (and the events `publish` records), in one
   * transaction; answers the move's updatedAt, or undefined when someone else moved it first.
   */
  async transition(id: string, expected: Expected, patch: Partial<Order>, publish?: (tx: OutboxTransaction) => void): Promise<string | undefined> {
    const updatedAt = new Date().toISOString();
    const statuses = expected.status === undefined ? [] : ([] as OrderStatus[]).concat(expected.status);
    const set = (Object.keys(patch) as (keyof Order)[]).filter((property) => patch[property] !== undefined && property !== 'updatedAt');
    const sql = this.moveSql(set, statuses.length);
    const params = [...set.map((property) => this.param(patch[property])), updatedAt, id, expected.step, ...statuses];
    const update = async (manager: EntityManager) => (await this.sql.changed(manager, sql, params)) === 1;
    // A move that announces nothing is one statement: no transaction to open and commit.
    const moved = publish
      ? await this.outbox.transaction(async (tx) => (await update(tx.manager)) && (publish(tx), true))
      : await this.writes.run(() => update(this.orders.manager));
    return moved ? updatedAt : undefined;
  }

  /**
   * One compare-and-set UPDATE, hand-written: the saga moves three or four times per checkout
   * and the query builder rendered each anew, with the lease time inlined as a literal, so
   * SQLite prepared every move from scratch (TypeORM was 46% of a monolith checkout's CPU).
   */
  private moveSql(set: (keyof Order)[], statuses: number): string {
    const kind = `${set.join(',')}/${statuses}`;
    let sql = this.moves.get(kind);
    if (sql === undefined) {
      const assignments = [...set, 'updatedAt' as const].map((property) => `${this.column(property)} = ?`).join(', ');
      const status = statuses > 0 ? ` AND status IN (${new Array(statuses).fill('?').join(', ')})` : '';
      sql = `UPDATE orders SET ${assignments} WHERE id = ? AND step = ?${status}`;
      this.moves.set(kind, sql);
    }
    return sql;
  }

  private column(property: keyof Order): string {
    const column = this.columns.get(property);
    if (!column) throw new Error(`Order has no column for ${String(property)}`);
    return column;
  }

  private param(value: unknown): unknown {
    return typeof value === 'boolean' ? this.sql.bool(value) : (value ?? null);
  }

  /** Takes the order for `owner` until now + leaseMs, unless another owner's lease is running. */
  async claim(id: string, owner: string, leaseMs: number): Promise<boolean> {
    const now = Date.now();
    const result = await this.writes.run(() =>
      this.orders
        .createQueryBuilder()
        .update(Order)
        .set({ leaseOwner: owner, leaseUntil: now + leaseMs })
        .where('id = :id AND step <> :done', { id, done: 'DONE' })
        .andWhere(new Brackets((q) => q.where('lease_until IS NULL OR lease_until < :now OR lease_owner = :owner', { now, owner })))
        .execute(),
    );
    return result.affected === 1;
  }

  /** Gives the order up until `retryAt`, counting a failed attempt; recovery takes it then. */
  async backOff(id: string, owner: string, retryAt: number): Promise<void> {
    await this.writes.run(() =>
      this.orders
        .createQueryBuilder()
        .update(Order)
        .set({ leaseOwner: null, leaseUntil: retryAt, attempts: () => 'attempts + 1' })
        .where('id = :id AND lease_owner = :owner', { id, owner })
        .execute(),
    );
  }

  /** Unfinished sagas nobody holds: crashed drivers, and failures whose retry time has come. */
  dueForRecovery(limit: number, except: string[] = []): Promise<Order[]> {
    const query = this.orders
      .createQueryBuilder('o')
      .where('o.step <> :done', { done: 'DONE' })
      .andWhere('(o.lease_until IS NULL OR o.lease_until < :now)', { now: Date.now() });
    if (except.length > 0) query.andWhere('o.id NOT IN (:...except)', { except });
    return query.orderBy('o.updated_at', 'ASC').take(limit).getMany();
  }

  async list({ userId, status, limit, offset }: Required<Pick<ListOrders, 'limit' | 'offset'>> & ListOrders): Promise<[Order[], number]> {
    const where = { ...(userId ? { userId } : {}), ...(status ? { status } : {}) };
    return this.orders.findAndCount({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }
}
