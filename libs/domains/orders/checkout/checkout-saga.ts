import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CleaveError, ConflictError, InternalError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { PaymentsClient } from '@cleave/contracts/payments/payments.contract';
import { OrderLine, ordersContract, OrderView } from '@cleave/contracts/orders/orders.contract';
import { withoutDeadline } from '@cleave/platform/context';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { Order, SagaStep } from '../order.entity';
import { OrderRepository } from '../order.repository';
import { toOrderView } from '../order.view';
import { OrdersSettings, SagaPausePoint } from '../orders.settings';

/** Another driver moved the order first (see OrderRepository.transition). */
class Superseded extends Error {}

/** A step failed in a way worth retrying later (a target down), with the saga left where it was. */
class StepFailed extends Error {
  /** The step the saga was left at. */
  step?: SagaStep;

  constructor(override readonly cause: unknown) {
    super(errorMessage(cause));
  }
}

/**
 * The checkout saga: RESERVE stock -> CHARGE payment -> COMMIT the reservation -> CONFIRMED.
 * Each step is persisted (compare-and-set) before its remote call, and every remote call is
 * idempotent per order, so whoever resumes an order repeats at most the step it was in.
 *
 * Failure policy: before the payment is confirmed, any failure compensates (release, and
 * refund or void when a charge may have happened) and the order ends CANCELLED with the
 * reason. Once charged, the saga only moves forward: a commit that fails for a while is
 * retried; a reservation that is gone (expired) compensates with a refund. Compensation is
 * retried until it succeeds, so no order stays PENDING and no stock stays held for a
 * cancelled order once its targets are back.
 *
 * Hand-written: the saga is four steps over our own bus and table; saga libraries for Node
 * bring their own broker or storage.
 */
@Injectable()
export class CheckoutSaga implements OnModuleDestroy {
  private readonly logger = new Logger('CheckoutSaga');
  /** Orders this process is driving now (recovery leaves them alone), and how each drive ends. */
  private readonly driving = new Map<string, Promise<unknown>>();
  readonly owner: string;

  constructor(
    private readonly orders: OrderRepository,
    private readonly catalog: CatalogClient,
    private readonly payments: PaymentsClient,
    private readonly settings: OrdersSettings,
    @Inject(PROCESS_IDENTITY) bus: ProcessIdentity,
  ) {
    this.owner = bus.instanceId;
  }

  /**
   * Drives a new order (created at RESERVE with this process's lease) to its end, and
   * answers as a checkout: the CONFIRMED order, or the error that cancelled it. The saga
   * runs without the caller's deadline: a caller that stops waiting must not strand stock.
   */
  run(order: Order): Promise<OrderView> {
    return withoutDeadline(() => this.driveAndAnswer(order));
  }

  /** Recovery: takes over an order whose driver is gone, and resumes or compensates it. */
  async resume(stale: Order): Promise<void> {
    if (this.driving.has(stale.id) || !(await this.orders.claim(stale.id, this.owner, this.settings.sagaLeaseMs))) return;
    let order = await this.orders.findById(stale.id);
    if (!order || order.step === 'DONE') return;
    try {
      if (order.step === 'RESERVE' || order.step === 'CHARGE') {
        this.logger.warn(`Order ${order.id} was interrupted at ${order.step}; cancelling it`);
        const interrupted = new ServiceUnavailableError('The checkout was interrupted before the payment completed; the order was cancelled', { orderId: order.id });
        order = await this.toCompensate(order, interrupted, order.step === 'CHARGE');
      } else {
        this.logger.warn(`Resuming order ${order.id} at ${order.step}`);
      }
      await this.drive(order);
    } catch (error) {
      if (!(error instanceof Superseded)) this.logger.warn(`Order ${order.id} is not done yet: ${errorMessage(error)}`);
    }
  }

  /** The customer's cancel of a CONFIRMED or PAID order: refund, release, CANCELLED. */
  async cancel(order: Order, reason: string): Promise<OrderView> {
    const moved = await this.orders.transition(
      order.id,
      { step: 'DONE', status: ['CONFIRMED', 'PAID'] },
      { step: 'COMPENSATE', refundOnCancel: true, cancelReason: reason, leaseOwner: this.owner, leaseUntil: this.leaseEnd() },
    );
    if (!moved) throw new Superseded();
    return withoutDeadline(() => this.finishCompensation({ ...order, step: 'COMPENSATE', refundOnCancel: true, cancelReason: reason }));
  }

  /** Continues a cancel another request started and did not finish. */
  async continueCancel(order: Order): Promise<OrderView> {
    if (this.driving.has(order.id) || !(await this.orders.claim(order.id, this.owner, this.settings.sagaLeaseMs))) {
      throw new ConflictError(`Order ${order.id} is being cancelled`, { orderId: order.id });
    }
    return withoutDeadline(() => this.finishCompensation(order));
  }

  /** The orders this process drives right now (recovery looks past them). */
  drivenHere(): string[] {
    return [...this.driving.keys()];
  }

  isSuperseded(error: unknown): boolean {
    return error instanceof Superseded;
  }

  /** What a finished order answers to its checkout (also to a repeated Idempotency-Key). */
  answer(order: Order): OrderView {
    if (order.status === 'CANCELLED' && order.failure) throw withOrderId(CleaveError.fromJSON(JSON.parse(order.failure)), order.id);
    if (order.step !== 'DONE') {
      throw new ConflictError(`The checkout of order ${order.id} is still in progress; ask again shortly`, { orderId: order.id, status: order.status });
    }
    return toOrderView(order);
  }

  private async finishCompensation(order: Order): Promise<OrderView> {
    try {
      return toOrderView(await this.drive(order));
    } catch (error) {
      if (error instanceof StepFailed) {
        throw new ServiceUnavailableError(`Order ${order.id} is cancelled but the refund or release has not completed; it will be retried: ${error.message}`, {
          orderId: order.id,
        });
      }
      throw error;
    }
  }

  private async driveAndAnswer(order: Order): Promise<OrderView> {
    try {
      return this.answer(await this.drive(order));
    } catch (error) {
      if (error instanceof Superseded) {
        const current = await this.orders.findById(order.id);
        if (current) return this.answer(current);
      }
      if (error instanceof StepFailed) {
        const what = error.step === 'COMMIT' ? 'is paid and will be confirmed' : 'could not be completed and will be cancelled';
        throw new ServiceUnavailableError(`Order ${order.id} ${what} shortly: ${error.message}`, { orderId: order.id });
      }
      throw error;
    }
  }

  /**
   * On shutdown, lets the checkouts under way reach their end (bounded), rather than leave
   * them to recovery, which would cancel a checkout stopped before its payment completed.
   */
  async onModuleDestroy(): Promise<void> {
    if (this.driving.size === 0) return;
    this.logger.log(`Waiting for ${this.driving.size} checkout(s) under way`);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise((resolve) => (timer = setTimeout(resolve, this.settings.sagaLeaseMs)));
    await Promise.race([Promise.allSettled([...this.driving.values()]), bound]);
    clearTimeout(timer);
  }

  private drive(start: Order): Promise<Order> {
    const drive = this.steps(start);
    this.driving.set(start.id, drive);
    return drive.finally(() => this.driving.delete(start.id));
  }

  private async steps(start: Order): Promise<Order> {
    let order = start;
    try {
      for (;;) {
        if (order.step === 'RESERVE') order = await this.reserve(order);
        else if (order.step === 'CHARGE') order = await this.charge(order);
        else if (order.step === 'COMMIT') order = await this.commit(order);
        else if (order.step === 'COMPENSATE') order = await this.compensate(order);
        else return order;
      }
    } catch (error) {
      if (error instanceof StepFailed) {
        error.step = order.step;
        await this.backOff(order);
      }
      throw error;
    }
  }

  private async reserve(order: Order): Promise<Order> {
    try {
      await this.catalog.reserveStock({ orderId: order.id, items: stockLines(order) });
    } catch (error) {
      return this.toCompensate(order, error, false);
    }
    await this.pause('reserved');
    return this.move(order, 'CHARGE');
  }

  private async charge(order: Order): Promise<Order> {
    try {
      await this.payments.charge({
        orderId: order.id,
        userId: order.userId,
        amountCents: Number(order.totalCents),
        currency: order.currency,
        ...(order.paymentMethod ? { paymentMethod: order.paymentMethod } : {}),
      });
    } catch (error) {
      // Whatever failed, the charge may have gone through: compensation refunds or voids it.
      return this.toCompensate(order, error, true);
    }
    await this.pause('charged');
    return this.move(order, 'COMMIT');
  }

  private async commit(order: Order): Promise<Order> {
    try {
      await this.catalog.commitReservation({ orderId: order.id });
    } catch (error) {
      // Paid: only a reservation that is gone (released, expired) turns this into a cancel.
      if (error instanceof CleaveError && (error.status === 409 || error.status === 404)) return this.toCompensate(order, error, true);
      throw new StepFailed(error);
    }
    const lines = JSON.parse(order.items) as OrderLine[];
    const done = { step: 'DONE' as SagaStep, status: 'CONFIRMED' as const, leaseOwner: null, leaseUntil: null, attempts: 0 };
    const moved = await this.orders.transition(order.id, { step: 'COMMIT' }, done, (tx) =>
      tx.publish(ordersContract, 'order.confirmed', {
        orderId: order.id,
        userId: order.userId,
        totalCents: Number(order.totalCents),
        currency: order.currency,
        itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
      }),
    );
    if (!moved) throw new Superseded();
    return { ...order, ...done, updatedAt: moved };
  }

  private async compensate(order: Order): Promise<Order> {
    const reason = order.cancelReason ?? 'Cancelled';
    try {
      if (order.refundOnCancel) await this.payments.refund({ orderId: order.id, userId: order.userId, reason });
      await this.catalog.releaseReservation({ orderId: order.id });
    } catch (error) {
      throw new StepFailed(error);
    }
    const done = { step: 'DONE' as SagaStep, status: 'CANCELLED' as const, leaseOwner: null, leaseUntil: null, attempts: 0 };
    const moved = await this.orders.transition(order.id, { step: 'COMPENSATE' }, done, (tx) =>
      tx.publish(ordersContract, 'order.cancelled', { orderId: order.id, userId: order.userId, reason }),
    );
    if (!moved) throw new Superseded();
    this.logger.log(`Order ${order.id} cancelled: ${reason}`);
    return { ...order, ...done, updatedAt: moved };
  }

  /** Records why the checkout failed and turns the saga towards compensation. */
  private async toCompensate(order: Order, cause: unknown, refund: boolean): Promise<Order> {
    const failure = cause instanceof CleaveError ? cause : new InternalError(errorMessage(cause));
    const patch: Partial<Order> = {
      step: 'COMPENSATE' as SagaStep,
      refundOnCancel: refund,
      // The error's own message says what failed (payments says "Payment declined: ...").
      cancelReason: failure.message,
      failure: JSON.stringify(failure.toJSON()),
      leaseOwner: this.owner,
      leaseUntil: this.leaseEnd(),
    };
    // A temporary failure (a target down, a crash) does not bind the Idempotency-Key: the
    // client's retry with it places the order anew instead of replaying a 503 for ever.
    if (failure.retryable) patch.idempotencyKey = null;
    const updatedAt = await this.orders.transition(order.id, { step: order.step }, patch);
    if (!updatedAt) throw new Superseded();
    return { ...order, ...patch, updatedAt };
  }

  private async move(order: Order, step: SagaStep): Promise<Order> {
    const patch = { step, leaseOwner: this.owner, leaseUntil: this.leaseEnd() };
    const updatedAt = await this.orders.transition(order.id, { step: order.step }, patch);
    if (!updatedAt) throw new Superseded();
    return { ...order, ...patch, updatedAt };
  }

  /** Leaves the order to recovery after a growing wait, instead of hammering a target that is down. */
  private async backOff(order: Order): Promise<void> {
    // Whole milliseconds: lease_until is a bigint on PostgreSQL, which refuses a fraction (and the
    // order then kept its driver's lease, untouched by recovery, for the full CLEAVE_SAGA_LEASE_MS).
    const wait = Math.round(Math.min(this.settings.sagaMaxBackoffMs, 500 * 2 ** Math.min(order.attempts, 16)) * (0.5 + Math.random() / 2));
    await this.orders.backOff(order.id, this.owner, Date.now() + wait).catch((error: unknown) => this.logger.error(`Cannot back off order ${order.id}: ${errorMessage(error)}`));
  }

  private leaseEnd(): number {
    return Date.now() + this.settings.sagaLeaseMs;
  }

  private async pause(point: SagaPausePoint): Promise<void> {
    const ms = this.settings.sagaPauses.get(point);
    if (!ms) return;
    this.logger.warn(`Saga paused ${ms} ms after ${point} (CLEAVE_SAGA_PAUSE)`);
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
}

function stockLines(order: Order) {
  return (JSON.parse(order.items) as OrderLine[]).map(({ productId, quantity }) => ({ productId, quantity }));
}

function withOrderId(error: CleaveError, orderId: string): CleaveError {
  const data = error.toJSON();
  const details = typeof data.details === 'object' && data.details !== null ? { ...(data.details as object), orderId } : { orderId };
  return CleaveError.fromJSON({ ...data, details });
}

function errorMessage(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
