import { Global, Module } from '@nestjs/common';
import { DeadLetterStore } from '@cleave/platform/bus';
import { OutboxDeadLetters } from './outbox-dead-letters';

/** One process: the dead letters are the events parked in the module outboxes. */
@Global()
@Module({ providers: [{ provide: DeadLetterStore, useClass: OutboxDeadLetters }], exports: [DeadLetterStore] })
export class OutboxDeadLettersModule {}
