import { applyDecorators, UseFilters } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import {
  AnyContract,
  EventName,
  PayloadOf,
  RequestName,
  RequestOf,
  ResponseOf,
  requestPattern,
} from '@cleave/contracts/kernel/contract';
import { BusExceptionFilter } from './bus-exception.filter';

type Awaitable<T> = T | Promise<T>;

/** Extras Nest passes to the transport with an event handler: who subscribes. */
export interface EventHandlerExtras {
  subscriber: string;
  /** The module whose contract declares the event: who publishes it. */
  publisher: string;
}

/**
 * Marks a method as the handler of a contract's request. The method's signature is checked
 * against the contract: `(request: Req, ...rest) => Res | Promise<Res>`.
 */
export function Handles<C extends AnyContract, K extends RequestName<C>>(contract: C, name: K) {
  const decorate = applyDecorators(MessagePattern(requestPattern(contract, name)), UseFilters(BusExceptionFilter));
  return <F extends (request: RequestOf<C['requests'][K]>, ...rest: any[]) => Awaitable<ResponseOf<C['requests'][K]>>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<F>,
  ): void => {
    bindPayload(target, key);
    decorate(target, key, descriptor);
  };
}

/**
 * Marks a method as `subscriber`'s handler of a contract's event. Each subscribing module
 * receives every event once (its own consumer group), whichever process hosts it.
 */
export function OnEvent<C extends AnyContract, K extends EventName<C>>(contract: C, name: K, subscriber: string) {
  const extras: EventHandlerExtras = { subscriber, publisher: contract.module };
  const decorate = applyDecorators(EventPattern(name, extras), UseFilters(BusExceptionFilter));
  return <F extends (payload: PayloadOf<C['events'][K]>, ...rest: any[]) => Awaitable<unknown>>(
    target: object,
    key: string | symbol,
    descriptor: TypedPropertyDescriptor<F>,
  ): void => {
    bindPayload(target, key);
    decorate(target, key, descriptor);
  };
}

/**
 * The first parameter is always the payload. Nest passes `undefined` to undecorated
 * parameters as soon as one is decorated (`@Ctx()`), a trap this closes for every handler.
 */
function bindPayload(target: object, key: string | symbol): void {
  Payload()(target, key, 0);
}
