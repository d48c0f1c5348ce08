import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, LessThanOrEqual } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { Reservation, ReservationStatus, ReserveStock, StockLine } from '@cleave/contracts/catalog/catalog.contract';
import { isUniqueViolation, LeanSql, WriteQueue } from '@cleave/platform/database';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { ProductCache } from './product.cache';
import { CATALOG_CLOCK, CatalogSettings, Clock } from './catalog.settings';

const SWEEP_BATCH = 100;

/*
 * The statements of a checkout's reserve and commit, hand-written: TypeORM's builder and its
 * entity reads were 46% of a monolith checkout's CPU (issue 16), and reserve read the
 * reservation before inserting it, commit updated, read back and committed a transaction.
 */
/** Claims the order; a reservation already there (a retry, a release mark) changes nothing. */
const CLAIM = `INSERT INTO stock_reservations (order_id, items, status, expires_at, created_at, updated_at) VALUES (?, ?, 'RESERVED', ?, ?, ?)
  ON CONFLICT (order_id) DO NOTHING`;
/** The conditional decrement: stock never goes below zero, and an inactive product sells nothing. */
const TAKE = 'UPDATE products SET stock = stock - ? WHERE id = ? AND stock >= ? AND active = TRUE';
/** The usual commit, in one statement: a reservation still RESERVED and not past its expiry. */
const COMMIT = `UPDATE stock_reservations SET status = 'COMMITTED', updated_at = ? WHERE order_id = ? AND status = 'RESERVED' AND expires_at > ?
  RETURNING order_id, items, status, expires_at`;

/** A release's restock, the decrement's inverse. */
const RESTOCK = 'UPDATE products SET stock = stock + ? WHERE id = ?';

interface ReservationRow {
  order_id: string;
  items: string;
  status: ReservationStatus;
  expires_at: string;
}

/**
 * Stock held for orders. A reservation row per order makes every request idempotent and
 * moves only forward (RESERVED -> COMMITTED -> RELEASED, or RESERVED -> RELEASED) through
 * conditional updates, so a retried, duplicated or racing request changes stock once.
 */
@Injectable()
export class StockService {
  private readonly sql: LeanSql;

  constructor(
    @InjectDataSource('catalog') private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly cache: ProductCache,
    private readonly settings: CatalogSettings,
    @Inject(CATALOG_CLOCK) private readonly clock: Clock,
  ) {
    this.sql = new LeanSql(dataSource);
  }

  /**
   * Takes stock for every line of an order, or for none. Each line is a conditional
   * decrement, so concurrent orders can never drive stock below zero; the reservation row,
   * keyed by order, makes a retried request take nothing twice.
   */
  async reserveStock({ orderId, items }: ReserveStock): Promise<Reservation> {
    validOrderId(orderId);
    const lines = mergeLines(items);
    let outcome: { reservation: Reservation; took: boolean };
    try {
      outcome = await this.writes.run(() => this.dataSource.transaction((manager) => this.reserve(manager, orderId, lines)));
    } catch (error) {
      // On SQLite's shared connection a read during the transaction saw its decrements, which
      // rolled back: whatever that read cached must go.
      await this.cache.invalidate(lines.map((l) => l.productId));
      // A concurrent request for the same order (a retry, or its release) committed first.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.dataSource.getRepository(StockReservation).findOneBy({ orderId });
      if (!existing) throw error;
      return existingReservation(existing);
    }
    if (outcome.took) await this.cache.invalidate(lines.map((l) => l.productId));
    return outcome.reservation;
  }

  /**
   * The stock is sold. A reservation past its expiry is released instead (409). A commit
   * changes no product (its stock was taken at reserve), so only that release invalidates.
   */
  async commitReservation({ orderId }: { orderId: string }): Promise<Reservation> {
    validOrderId(orderId);
    const now = this.clock().toISOString();
    // One statement, so no transaction; anything else (committed already, released, expired,
    // missing) is told apart below.
    const [committed] = await this.writes.run(() => this.sql.rows<ReservationRow>(this.dataSource.manager, COMMIT, [now, orderId, now]));
    if (committed) return { orderId: committed.order_id, items: JSON.parse(committed.items) as StockLine[], status: committed.status, expiresAt: committed.expires_at };
    const outcome = await this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        await manager
          .createQueryBuilder()
          .update(StockReservation)
          .set({ status: 'COMMITTED', updatedAt: now })
          .where("order_id = :orderId AND status = 'RESERVED' AND expires_at > :now", { orderId, now })
          .execute();
        const row = await manager.findOneBy(StockReservation, { orderId });
        if (!row || row.status !== 'RESERVED') return { row, expired: false };
        // Past its expiry and not swept yet: expire it now, as the sweep would have.
        return { row, expired: await this.releaseRow(manager, row, ['RESERVED'], now) };
      }),
    );
    const { row, expired } = outcome;
    if (!row) throw new NotFoundError(`No reservation for order ${orderId}`, { orderId });
    if (expired) {
      await this.cache.invalidate(linesOf(row).map((l) => l.productId));
      throw new ConflictError(`reservation for order ${orderId} expired and was released`, { orderId, status: 'RELEASED' });
    }
    if (row.status === 'RELEASED') throw released(orderId);
    return toReservation(row);
  }

  /**
   * Puts the stock of a RESERVED or COMMITTED reservation back, once however often asked.
   * An order never reserved gets a RELEASED mark without lines, so a reservation arriving
   * after its release (a saga compensating before its reserve landed) is refused.
   */
  async releaseReservation({ orderId }: { orderId: string }): Promise<Reservation> {
    validOrderId(orderId);
    for (let attempt = 0; ; attempt++) {
      const now = this.clock().toISOString();
      try {
        const { row, restocked } = await this.writes.run(() => this.dataSource.transaction((manager) => this.release(manager, orderId, now)));
        if (restocked) await this.cache.invalidate(linesOf(row).map((l) => l.productId));
        return toReservation(row);
      } catch (error) {
        // A reservation for the order was inserted beside our mark: release that one.
        if (!isUniqueViolation(error) || attempt > 0) throw error;
      }
    }
  }

  /** Releases RESERVED reservations past their expiry; returns how many. Safe on every instance at once. */
  async expireReservations(): Promise<number> {
    const now = this.clock().toISOString();
    let count = 0;
    for (;;) {
      const due = await this.dataSource.getRepository(StockReservation).find({
        where: { status: 'RESERVED', expiresAt: LessThanOrEqual(now) },
        order: { expiresAt: 'ASC', orderId: 'ASC' },
        take: SWEEP_BATCH,
      });
      for (const row of due) {
        // Conditional on still RESERVED: a commit or release that got there first wins.
        const done = await this.writes.run(() => this.dataSource.transaction((manager) => this.releaseRow(manager, row, ['RESERVED'], now)));
        if (!done) continue;
        count++;
        await this.cache.invalidate(linesOf(row).map((l) => l.productId));
      }
      if (due.length < SWEEP_BATCH) return count;
    }
  }

  private async reserve(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<{ reservation: Reservation; took: boolean }> {
    const now = this.clock();
    const row: StockReservation = {
      orderId,
      items: JSON.stringify(lines),
      status: 'RESERVED',
      expiresAt: new Date(now.getTime() + this.settings.reservationTtlMs).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    // Claim the order first: a concurrent duplicate then waits on this key instead of taking
    // stock, and finds the claim once it commits. The first request of an order reads nothing.
    const claimed = await this.sql.changed(manager, CLAIM, [orderId, row.items, row.expiresAt, row.createdAt, row.updatedAt]);
    if (claimed === 0) {
      const existing = await manager.findOneByOrFail(StockReservation, { orderId });
      return { reservation: existingReservation(existing), took: false };
    }
    for (const line of lines) await this.take(manager, line);
    return { reservation: toReservation(row), took: true };
  }

  private async take(manager: EntityManager, { productId, quantity }: StockLine): Promise<void> {
    if ((await this.sql.changed(manager, TAKE, [quantity, productId, quantity])) === 1) return;
    const product = await manager.findOneBy(Product, { id: productId });
    if (!product) throw new NotFoundError(`Product ${productId} not found`, { productId });
    if (!product.active) throw new ConflictError(`${product.name} is no longer available`, { productId, active: false });
    throw new ConflictError(`Not enough stock for ${product.name}: ${product.stock} left, ${quantity} requested`, {
      productId,
      available: Number(product.stock),
      requested: quantity,
    });
  }

  private async release(manager: EntityManager, orderId: string, now: string): Promise<{ row: StockReservation; restocked: boolean }> {
    const row = await manager.findOneBy(StockReservation, { orderId });
    if (!row) {
      const mark: StockReservation = { orderId, items: '[]', status: 'RELEASED', expiresAt: now, createdAt: now, updatedAt: now };
      await manager.insert(StockReservation, mark);
      return { row: mark, restocked: false };
    }
    if (row.status === 'RELEASED') return { row, restocked: false };
    const restocked = await this.releaseRow(manager, row, ['RESERVED', 'COMMITTED'], now);
    // Released by this update: the row is known. Otherwise someone else moved it first.
    if (restocked) return { row: { ...row, status: 'RELEASED', updatedAt: now }, restocked };
    return { row: await manager.findOneByOrFail(StockReservation, { orderId }), restocked };
  }

  /**
   * Marks a reservation RELEASED if its status is still one of `from` (and, from RESERVED
   * only, it is due when `now` says so), and puts its stock back in the same transaction.
   * The conditional update is what makes a double release restock once.
   */
  private async releaseRow(manager: EntityManager, row: StockReservation, from: ReservationStatus[], now: string): Promise<boolean> {
    // Hand-written like reserve's and commit's statements: a cancelled checkout releases here.
    const released = `UPDATE stock_reservations SET status = 'RELEASED', updated_at = ? WHERE order_id = ? AND status IN (${from.map(() => '?').join(', ')})`;
    if ((await this.sql.changed(manager, released, [now, row.orderId, ...from])) === 0) return false;
    for (const { productId, quantity } of linesOf(row)) await this.sql.changed(manager, RESTOCK, [quantity, productId]);
    return true;
  }
}

/** One line per product, in id order so concurrent orders lock rows in the same order. */
function mergeLines(items: unknown): StockLine[] {
  if (!Array.isArray(items) || items.length === 0) throw new ValidationError('items must be a non-empty array');
  const quantities = new Map<string, number>();
  for (const item of items as Partial<StockLine>[]) {
    const { productId, quantity } = item ?? {};
    if (typeof productId !== 'string' || !productId) throw new ValidationError('Every line needs a productId');
    if (!Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new ValidationError(`Quantity for product ${productId} must be a positive integer`, { productId, quantity });
    }
    quantities.set(productId, (quantities.get(productId) ?? 0) + (quantity as number));
  }
  return [...quantities].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

function validOrderId(orderId: unknown): void {
  if (typeof orderId !== 'string' || !orderId || orderId.length > 36) throw new ValidationError('orderId must be a string of at most 36 characters');
}

/** A request for an order that already has a reservation: the same answer, or 409 once released. */
function existingReservation(row: StockReservation): Reservation {
  if (row.status === 'RELEASED') throw released(row.orderId);
  return toReservation(row);
}

function released(orderId: string): ConflictError {
  return new ConflictError(`reservation for order ${orderId} was released`, { orderId, status: 'RELEASED' });
}

function linesOf(row: StockReservation): StockLine[] {
  return JSON.parse(row.items) as StockLine[];
}

function toReservation(row: StockReservation): Reservation {
  return { orderId: row.orderId, items: linesOf(row), status: row.status, expiresAt: row.expiresAt };
}
