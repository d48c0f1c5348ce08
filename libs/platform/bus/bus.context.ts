import { BaseRpcContext } from '@nestjs/microservices';
import { Envelope } from './envelope';

/** The `@Ctx()` of a bus handler: the envelope of the message being handled. */
export class BusContext extends BaseRpcContext<[Envelope, string]> {
  constructor(envelope: Envelope, transport: 'local' | 'redis') {
    super([envelope, transport]);
  }

  get envelope(): Envelope {
    return this.args[0];
  }

  get messageId(): string {
    return this.args[0].id;
  }

  get transport(): string {
    return this.args[1];
  }
}
