// The ServiceBus: typed clients over the in-process and Redis transports, and their handlers.
export { BusContext } from './bus.context';
export { EventHandlerExtras, Handles, OnEvent } from './bus.decorators';
export { BusExceptionFilter, toErrorData } from './bus-exception.filter';
export { BusModule } from './bus.module';
export { BUS_OPTIONS, BusOptions } from './bus.options';
export { BusServer, Subscription } from './bus.server';
export { EventHandlersFailedError } from './event-handlers-failed.error';
export { RecordedEvent, ServiceBus } from './service-bus';
export { InProcessClient } from './transports/in-process/in-process.client';
export { InProcessServer } from './transports/in-process/in-process.server';
export { RedisClient } from './transports/redis/redis.client';
export { DrainReport, RedisServer } from './transports/redis/redis.server';
export { BusSettings } from './bus.settings';
export { Actor, DeadLetter, DeadLetterStore, DeadLetterSummary, isDeadLetterId, isEventName, ReplayedDeadLetter } from './dead-letters/dead-letter-store';
export { RedisDeadLetters } from './dead-letters/redis-dead-letters';
// Cleave's transport for any Nest app: plain @MessagePattern/@EventPattern, ClientProxy.
export { CleaveServer } from './nest/cleave.server';
export { CleaveClient } from './nest/cleave.client';
export { CleaveTransportModule } from './nest/cleave-transport.module';
export { CleaveTransportOptions } from './nest/cleave-transport.options';
export { TransportOptions } from './bus.options';
