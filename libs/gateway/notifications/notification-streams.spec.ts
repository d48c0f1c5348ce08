import { MessageEvent } from '@nestjs/common';
import { ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { ListNotifications, NotificationsClient, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { ServiceBus } from '@cleave/platform/bus';
import { ProcessLifecycle } from '@cleave/platform/process';
import { NotificationStreams } from './notification-streams';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

/** Notifications as the gateway sees it: a feed per user, which may stop answering. */
class FakeNotifications implements NotificationsClient {
  readonly rows: NotificationView[] = [];
  down = false;
  calls = 0;

  record(userId: string): NotificationView {
    const row: NotificationView = { id: `n${this.rows.length + 1}`, userId, kind: 'welcome', message: 'hi', eventId: `e${this.rows.length + 1}`, read: false, seq: this.rows.length + 1, createdAt: new Date().toISOString() };
    this.rows.push(row);
    return row;
  }

  async listForUser({ userId, afterSeq, limit = 50 }: ListNotifications): Promise<NotificationView[]> {
    this.calls++;
    if (this.down) throw new ServiceUnavailableError('notifications did not answer');
    const own = this.rows.filter((n) => n.userId === userId);
    return afterSeq === undefined ? own.reverse().slice(0, limit) : own.filter((n) => n.seq > afterSeq).slice(0, limit);
  }

  async markRead(): Promise<{ updated: number }> {
    return { updated: 0 };
  }
}

/** The bus's broadcast side, delivered by hand. */
class FakeBus {
  listener?: (n: NotificationView) => void;
  stopped = false;

  onBroadcast(_contract: unknown, _name: string, listener: (n: NotificationView) => void): () => void {
    this.listener = listener;
    return () => void (this.stopped = true);
  }

  deliver(notification: NotificationView): void {
    this.listener?.(notification);
  }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('NotificationStreams', () => {
  let notifications: FakeNotifications;
  let bus: FakeBus;
  let streams: NotificationStreams;

  beforeEach(() => {
    notifications = new FakeNotifications();
    bus = new FakeBus();
    streams = new NotificationStreams(bus as unknown as ServiceBus, notifications, new ProcessLifecycle());
    streams.onModuleInit();
  });

  async function open(userId: string, after?: number) {
    const events: MessageEvent[] = [];
    let completed = false;
    const subscription = (await streams.openStream(userId, after)).subscribe({ next: (e) => events.push(e), complete: () => (completed = true) });
    await settle();
    return { events, seqs: () => events.map((e) => Number(e.id)), subscription, completed: () => completed };
  }

  it('sends what came after the given seq first, then live ones, as notification events with the seq as id', async () => {
    notifications.record(ADA);
    notifications.record(BOB);
    notifications.record(ADA);
    const stream = await open(ADA, 1);
    expect(stream.events).toEqual([{ id: '3', type: 'notification', data: notifications.rows[2] }]);
    bus.deliver(notifications.record(ADA));
    await settle();
    expect(stream.seqs()).toEqual([3, 4]);
  });

  it('without a seq, sends only what is recorded from now on', async () => {
    notifications.record(ADA);
    const stream = await open(ADA);
    expect(stream.events).toEqual([]);
    bus.deliver(notifications.record(ADA));
    await settle();
    expect(stream.seqs()).toEqual([2]);
  });

  it("sends only the user's own notifications", async () => {
    const stream = await open(ADA, 0);
    bus.deliver(notifications.record(BOB));
    bus.deliver(notifications.record(ADA));
    await settle();
    expect(stream.events.map((e) => (e.data as NotificationView).userId)).toEqual([ADA]);
  });

  it('never sends a seq twice or out of order, whatever order the broadcasts come in', async () => {
    const stream = await open(ADA, 0);
    const four = [notifications.record(ADA), notifications.record(ADA), notifications.record(BOB), notifications.record(ADA)];
    bus.deliver(four[3]);
    bus.deliver(four[0]);
    bus.deliver(four[1]);
    bus.deliver(four[3]);
    await settle();
    expect(stream.seqs()).toEqual([1, 2, 4]);
  });

  it('sends what was recorded while the stream was being opened', async () => {
    const original = notifications.listForUser.bind(notifications);
    // Recorded (and broadcast to nobody yet) right after the first page was read.
    jest.spyOn(notifications, 'listForUser').mockImplementationOnce(async (request) => {
      const page = await original(request);
      notifications.record(ADA);
      return page;
    });
    const stream = await open(ADA, 0);
    expect(stream.seqs()).toEqual([1]);
  });

  it('sends the broadcasts themselves, in seq order, while notifications cannot be asked', async () => {
    const stream = await open(ADA, 0);
    notifications.down = true;
    const [one, two, three] = [notifications.record(ADA), notifications.record(ADA), notifications.record(ADA)];
    bus.deliver(two);
    bus.deliver(one);
    await settle();
    bus.deliver(one);
    bus.deliver(three);
    await settle();
    expect(stream.seqs()).toEqual([1, 2, 3]);
  });

  it('fails to open when notifications cannot be asked, before any event', async () => {
    notifications.down = true;
    await expect(streams.openStream(ADA, 0)).rejects.toMatchObject({ status: 503 });
  });

  it('stops listening when the client goes, and ends every stream on shutdown', async () => {
    const gone = await open(ADA, 0);
    const staying = await open(ADA, 0);
    gone.subscription.unsubscribe();
    const calls = notifications.calls;
    bus.deliver(notifications.record(ADA));
    await settle();
    expect(gone.events).toEqual([]);
    expect(staying.seqs()).toEqual([1]);
    expect(notifications.calls).toBe(calls + 1);
    streams.onModuleDestroy();
    expect(staying.completed()).toBe(true);
    expect(bus.stopped).toBe(true);
  });

  it('pings a quiet stream every 15 s with a comment (no event, so no id), and stops when it closes', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const events: MessageEvent[] = [];
      const subscription = (await streams.openStream(ADA, 0)).subscribe((e) => events.push(e));
      jest.advanceTimersByTime(31_000);
      expect(events.filter((e) => e.comment === 'ping')).toEqual([{ comment: 'ping' }, { comment: 'ping' }]);
      subscription.unsubscribe();
      jest.advanceTimersByTime(60_000);
      expect(events.filter((e) => e.comment === 'ping')).toHaveLength(2);
    } finally {
      jest.useRealTimers();
    }
  });
});
