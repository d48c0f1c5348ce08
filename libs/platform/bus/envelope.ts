import { randomBytes } from 'node:crypto';
import { ErrorData } from '@cleave/contracts/kernel/errors';

/** What travels with every message besides its data. */
export interface Envelope {
  /** Unique message id; for events, the id consumers deduplicate on. */
  id: string;
  pattern: string;
  data: unknown;
  /** The sending instance. */
  sender: string;
  /** W3C trace context of the sender, when there is one. */
  traceparent?: string;
  /** Requests only: epoch milliseconds after which nobody waits for the answer. */
  deadline?: number;
  /** Requests only: where the answer goes (the calling instance's reply channel). */
  replyTo?: string;
  /**
   * Requests only: the caller takes every value of an Observable answer (Nest's
   * `client.send()`), as `next` replies then one `done`. Without it, one answer: the last value.
   */
  stream?: true;
}

/**
 * An answer: one `data` or `error`; or, for a streamed request, a `next` per value and then
 * a `done` or an `error`. One instance sends all of a request's replies on one connection, so
 * they arrive in order.
 */
export type Reply =
  | { id: string; data: unknown }
  | { id: string; error: ErrorData }
  | { id: string; next: unknown }
  | { id: string; done: true };

const processPrefix = randomBytes(6).toString('hex');
let sequence = 0;

/**
 * Ids unique across processes without a random draw per message: a random per-process
 * prefix plus a counter (a crypto.randomUUID per message costs more than the rest of a
 * local call).
 */
export function nextMessageId(): string {
  return `${processPrefix}-${(++sequence).toString(36)}`;
}

/** JSON in, JSON out: what a Redis hop would do to a value, applied in one process too. */
export function jsonCopy<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}

/**
 * Parses a message off the wire. A malformed one is logged and dropped (undefined): a throw
 * here would land in a Redis connection's callback and bring the process down.
 */
export function decodeMessage<T>(raw: string, what: string, logger: { error(message: string): void }): T | undefined {
  try {
    return JSON.parse(raw) as T;
  } catch {
    logger.error(`Dropped a malformed ${what}: ${raw.slice(0, 200)}`);
    return undefined;
  }
}
