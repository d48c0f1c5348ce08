import { defineSettings, setting } from '@cleave/platform/config';

/** How an outbox relay moves committed events to the bus. */
export class OutboxSettings extends defineSettings('outbox', 'Outbox', {
  pollMs: setting.int('CLEAVE_OUTBOX_POLL_MS', { default: 1000, min: 10, doc: 'how often a relay looks for events left behind (it is also woken by every commit), at first' }),
  idlePollMs: setting.int('CLEAVE_OUTBOX_IDLE_POLL_MS', {
    default: 15_000,
    min: 10,
    doc: 'longest wait between those looks: each one that finds nothing doubles the wait up to this, a commit or a find resets it',
  }),
  batchSize: setting.int('CLEAVE_OUTBOX_BATCH', { default: 100, min: 1, max: 10_000, doc: 'events a relay publishes per pass' }),
  maxBackoffMs: setting.int('CLEAVE_OUTBOX_MAX_BACKOFF_MS', { default: 5000, min: 10, doc: 'longest wait between relay attempts while the bus refuses events' }),
}) {}
