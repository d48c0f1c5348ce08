/** One event a subscribing module gave up on, as the dead-letter tools show it. */
export interface DeadLetter {
  /** Its id in the event's dead letters (a stream entry id: `<ms>-<n>`). */
  id: string;
  event: string;
  /** The subscribing module whose handler failed it. */
  group: string;
  /** The id subscribers deduplicate on; a replay keeps it. */
  eventId: string;
  /** Its id in the event stream when it was given up. */
  entry: string;
  deliveries: number;
  /** When it was dead-lettered (ISO-8601). */
  deadAt: string;
  firstError: string;
  lastError: string;
  data: unknown;
  traceparent?: string;
}

/** Per event: how many wait, for which modules, and what went wrong first. */
export interface DeadLetterSummary {
  event: string;
  count: number;
  /** Dead letters per subscribing module. */
  groups: Record<string, number>;
  oldest: { id: string; deadAt: string; group: string; eventId: string; firstError: string };
  newestAt: string;
}

export interface ReplayedDeadLetter {
  id: string;
  event: string;
  group: string;
  eventId: string;
  /** Its new entry in the event stream. */
  replayedAs: string;
}

/** Who asked for a change, for the log record. */
export interface Actor {
  by: string;
}

/**
 * The dead letters of a split system: listed, shown, replayed to the module that failed
 * them, or dropped with a record in the log. Served by `npm run dlq` and the gateway's admin
 * routes alike.
 */
export abstract class DeadLetterStore {
  abstract summary(): Promise<DeadLetterSummary[]>;
  /** Oldest first; `after` (an id) pages on. */
  abstract list(event: string, page: { limit: number; after?: string }): Promise<DeadLetter[]>;
  abstract get(event: string, id: string): Promise<DeadLetter | undefined>;
  /** Back to the event's stream, for its module alone; undefined when no such dead letter. */
  abstract replay(event: string, id: string, actor: Actor): Promise<ReplayedDeadLetter | undefined>;
  abstract replayAll(event: string, actor: Actor): Promise<ReplayedDeadLetter[]>;
  /** Deleted, its whole content written to the log; undefined when no such dead letter. */
  abstract drop(event: string, id: string, actor: Actor): Promise<DeadLetter | undefined>;
  abstract dropAll(event: string, actor: Actor): Promise<DeadLetter[]>;
}

const EVENT_NAME = /^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)+$/i;
const ENTRY_ID = /^\d+-\d+$/;

/** Event names as contracts spell them (`order.confirmed`): nothing else can name a key. */
export function isEventName(value: string): boolean {
  return EVENT_NAME.test(value) && value.length <= 100;
}

export function isDeadLetterId(value: string): boolean {
  return ENTRY_ID.test(value);
}
