import { CreateOutbox1767000000100 } from './migrations/1767000000100-create-outbox';
import { OutboxDeadLetters1767000000101 } from './migrations/1767000000101-outbox-dead-letters';

/** The outbox table's migrations, in order: what a module with an outbox runs beside its own. */
export const OUTBOX_MIGRATIONS = [CreateOutbox1767000000100, OutboxDeadLetters1767000000101];
