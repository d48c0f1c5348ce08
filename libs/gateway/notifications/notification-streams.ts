import { Injectable, Logger, MessageEvent, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Observable, Subscriber } from 'rxjs';
import { notificationsContract, NotificationsClient, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { ServiceBus } from '@cleave/platform/bus';
import { ProcessLifecycle } from '@cleave/platform/process';

/** Notifications fetched per catch-up call (the most listForUser gives). */
const PAGE = 100;
/** Broadcasts kept for a stream while notifications cannot be asked; beyond, the client catches up on reconnect. */
const MAX_PENDING = 1000;

type Listener = (notification: NotificationView) => void;

/**
 * The live notification streams of this gateway process. One listener on the
 * `notification.created` broadcast fans out to the open streams of each user.
 *
 * A broadcast is only a nudge: on each one a stream asks notifications for everything after
 * the last seq it sent. Broadcasts from several notifications instances may arrive out of
 * order, and seqs are shared by all users, so the gap between two of a user's seqs says
 * nothing; asking by seq sends each notification once and in order whatever the broadcasts
 * do. The broadcast's own copy is sent only while notifications cannot be asked.
 */
/**
 * A `: ping` comment this often. A comment, not an event: Nest numbers every event sent
 * without an id, which would become the client's Last-Event-ID.
 */
const KEEPALIVE_MS = 15_000;

@Injectable()
export class NotificationStreams implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('NotificationStreams');
  private readonly listeners = new Map<string, Set<Listener>>();
  private readonly open = new Set<Subscriber<MessageEvent>>();
  private stopListening?: () => void;

  constructor(
    private readonly bus: ServiceBus,
    private readonly notifications: NotificationsClient,
    private readonly lifecycle: ProcessLifecycle,
  ) {}

  /** Listening starts with the process, so a stream opened later misses no broadcast while its own subscription is set up. */
  onModuleInit(): void {
    this.stopListening = this.bus.onBroadcast(notificationsContract, 'notification.created', (notification) => {
      for (const listener of [...(this.listeners.get(notification?.userId) ?? [])]) listener(notification);
    });
    // A stream never ends by itself: left open it would hold the drain until its bound. Ended
    // when the drain begins, the client reconnects (Last-Event-ID) to a gateway still serving.
    this.lifecycle.onChange((phase) => {
      if (phase === 'draining') for (const subscriber of [...this.open]) subscriber.complete();
    });
  }

  /** Ends every open stream, so the HTTP server can close; clients reconnect with Last-Event-ID. */
  onModuleDestroy(): void {
    this.stopListening?.();
    for (const subscriber of [...this.open]) subscriber.complete();
  }

  /**
   * A user's stream: what was recorded after `afterSeq`, then each new one. Without
   * `afterSeq`, only those recorded from now on. Fails (before any event is sent, so as a
   * plain HTTP error) when notifications cannot be asked.
   */
  async openStream(userId: string, afterSeq?: number): Promise<Observable<MessageEvent>> {
    if (this.lifecycle.draining) throw new ServiceUnavailableError('This gateway is stopping: reconnect to another');
    const start = afterSeq ?? (await this.notifications.listForUser({ userId, limit: 1 }))[0]?.seq ?? 0;
    const first = afterSeq === undefined ? [] : await this.notifications.listForUser({ userId, afterSeq, limit: PAGE });
    return new Observable<MessageEvent>((subscriber) => this.run(subscriber, userId, start, first));
  }

  private run(subscriber: Subscriber<MessageEvent>, userId: string, start: number, first: NotificationView[]): () => void {
    let last = start;
    let closed = false;
    let pending: NotificationView[] = [];
    let pumping = false;
    let again = false;

    const send = (notification: NotificationView) => {
      if (closed || notification.seq <= last) return;
      last = notification.seq;
      subscriber.next({ id: String(notification.seq), type: 'notification', data: notification });
    };

    const catchUp = async () => {
      try {
        for (;;) {
          const page = await this.notifications.listForUser({ userId, afterSeq: last, limit: PAGE });
          if (closed) return;
          page.forEach(send);
          if (page.length < PAGE) break;
        }
      } catch (error) {
        this.logger.warn(`Cannot catch up the stream of user ${userId} after seq ${last}; sending the broadcasts as they came: ${(error as Error)?.message ?? String(error)}`);
        [...pending].sort((a, b) => a.seq - b.seq).forEach(send);
      }
      pending = pending.filter((n) => n.seq > last);
    };

    const pump = () => {
      if (pumping) {
        again = true;
        return;
      }
      pumping = true;
      void (async () => {
        do {
          again = false;
          await catchUp();
        } while (again && !closed);
        pumping = false;
      })();
    };

    const listener: Listener = (notification) => {
      if (notification.seq <= last) return;
      if (pending.length < MAX_PENDING) pending.push(notification);
      pump();
    };

    let own = this.listeners.get(userId);
    if (!own) this.listeners.set(userId, (own = new Set()));
    own.add(listener);
    this.open.add(subscriber);
    first.forEach(send);
    // Covers what was recorded between the first page and this subscription, and any further pages.
    pump();
    // A quiet stream still says something now and then, or proxies close it.
    const keepAlive = setInterval(() => subscriber.next({ comment: 'ping' }), KEEPALIVE_MS);
    keepAlive.unref();

    return () => {
      clearInterval(keepAlive);
      closed = true;
      this.open.delete(subscriber);
      own.delete(listener);
      if (own.size === 0 && this.listeners.get(userId) === own) this.listeners.delete(userId);
    };
  }
}
