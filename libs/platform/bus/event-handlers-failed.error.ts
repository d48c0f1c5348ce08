import { ServiceUnavailableError } from '@cleave/contracts/kernel/errors';

/**
 * In one process: the bus reached the event's subscribers and at least one of them failed
 * to handle it (unlike a bus that could not take the event at all). An outbox relay gives
 * such an event up after `eventMaxDeliveries` attempts, as a Redis consumer group does.
 */
export class EventHandlersFailedError extends ServiceUnavailableError {}
