// The transactional outbox: events written with the change that caused them, relayed to the bus.
export { Outbox, OutboxTransaction } from './outbox';
export { OutboxMessage } from './outbox-message.entity';
export { OutboxRelay, OutboxRelaySettings } from './outbox.relay';
export { OUTBOX_MIGRATIONS } from './outbox.schema';
export { withOutbox } from './with-outbox';
export { OutboxSettings } from './outbox.settings';
export { OutboxDeadLetters } from './outbox-dead-letters';
export { OutboxDeadLettersModule } from './outbox-dead-letters.module';
