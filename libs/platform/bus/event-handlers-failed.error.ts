import { ServiceUnavailableError } from '@cleave/contracts/kernel/errors';

/**
 * In one process: the bus reached the event's subscribers and at least one of them failed
 * to handle it (unlike a bus that could not take the event at all). An outbox relay gives
 * such an event up after `eventMaxDeliveries` attempts, as a Redis consumer group does.
 */
export class EventHandlersFailedError extends ServiceUnavailableError {
  static of(event: string, eventId: string, failures: { subscriber: string; error: string }[]): EventHandlersFailedError {
    return new EventHandlersFailedError(`${event} ${eventId} failed in ${failures.map((f) => `${f.subscriber}: ${f.error}`).join('; ')}`, { event, eventId, failed: failures.map((f) => f.subscriber) });
  }

  /** The subscribing modules named in such an error's message (as an outbox stored it). */
  static subscribersIn(message: string): string[] {
    const at = message.indexOf(' failed in ');
    if (at < 0) return [];
    return message
      .slice(at + ' failed in '.length)
      .split('; ')
      .map((part) => /^([a-z][a-z0-9-]*): /.exec(part)?.[1])
      .filter((name): name is string => !!name);
  }
}
