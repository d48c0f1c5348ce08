/**
 * The contract kernel: how a domain declares what it publishes. A contract is data (its
 * module name, its requests, its events) carrying types; the bus derives typed clients and
 * checks handlers against the same declaration, so adding a message is one line here.
 *
 * This file imports nothing: contracts must stay importable by every module and process.
 */

/** A request/reply message handled by exactly one instance of the owning module. */
export interface RequestSpec<Req, Res> {
  readonly kind: 'request';
  /** Safe to retry: handling it twice has the effect of handling it once. */
  readonly idempotent: boolean;
  /**
   * Fields of the request that are secrets (passwords, refresh tokens): sealed whenever the
   * request crosses Redis, so they never rest there in clear (see the bus's sealing.ts).
   */
  readonly sealed: readonly string[];
  /** Type carrier only; never set at run time. */
  readonly __types?: (request: Req) => Res;
}

/** A fact published by the owning module, delivered at least once to every subscriber. */
export interface EventSpec<Payload> {
  readonly kind: 'event';
  /** Type carrier only; never set at run time. */
  readonly __payload?: Payload;
}

/**
 * A notice sent to every process listening at the moment (fan-out, at most once): for live
 * views such as a client's open stream, never for work that must happen.
 */
export interface BroadcastSpec<Payload> {
  readonly kind: 'broadcast';
  /** Type carrier only; never set at run time. */
  readonly __payload?: Payload;
}

export type AnyRequestSpec = RequestSpec<any, any>;
export type AnyEventSpec = EventSpec<any>;
export type AnyBroadcastSpec = BroadcastSpec<any>;

export interface Contract<
  Module extends string = string,
  Requests extends Record<string, AnyRequestSpec> = Record<string, AnyRequestSpec>,
  Events extends Record<string, AnyEventSpec> = Record<string, AnyEventSpec>,
  Broadcasts extends Record<string, AnyBroadcastSpec> = Record<string, AnyBroadcastSpec>,
> {
  readonly module: Module;
  readonly requests: Requests;
  readonly events: Events;
  readonly broadcasts: Broadcasts;
}

export type AnyContract = Contract<string, Record<string, AnyRequestSpec>, Record<string, AnyEventSpec>, Record<string, AnyBroadcastSpec>>;

export function request<Req, Res>(options: { idempotent?: boolean; sealed?: readonly (keyof Req & string)[] } = {}): RequestSpec<Req, Res> {
  return { kind: 'request', idempotent: options.idempotent ?? false, sealed: options.sealed ?? [] };
}

export function event<Payload>(): EventSpec<Payload> {
  return { kind: 'event' };
}

export function broadcast<Payload>(): BroadcastSpec<Payload> {
  return { kind: 'broadcast' };
}

export function defineContract<
  const Module extends string,
  Requests extends Record<string, AnyRequestSpec>,
  Events extends Record<string, AnyEventSpec> = Record<never, AnyEventSpec>,
  Broadcasts extends Record<string, AnyBroadcastSpec> = Record<never, AnyBroadcastSpec>,
>(module: Module, spec: { requests: Requests; events?: Events; broadcasts?: Broadcasts }): Contract<Module, Requests, Events, Broadcasts> {
  return Object.freeze({ module, requests: spec.requests, events: (spec.events ?? {}) as Events, broadcasts: (spec.broadcasts ?? {}) as Broadcasts });
}

export type RequestOf<S> = S extends RequestSpec<infer Req, any> ? Req : never;
export type ResponseOf<S> = S extends RequestSpec<any, infer Res> ? Res : never;
export type PayloadOf<S> = S extends EventSpec<infer P> ? P : S extends BroadcastSpec<infer P> ? P : never;

export type RequestName<C extends AnyContract> = Extract<keyof C['requests'], string>;
export type EventName<C extends AnyContract> = Extract<keyof C['events'], string>;
export type BroadcastName<C extends AnyContract> = Extract<keyof C['broadcasts'], string>;

/** Per-call overrides a caller may pass to a typed client method. */
export interface CallOptions<Res = unknown> {
  /** Give up after this many milliseconds (bounded by the caller's own remaining deadline). */
  timeoutMs?: number;
  /**
   * The answer to use when the target fails (no answer in time, unreachable, breaker open,
   * bulkhead full). Never used for an answer of the target, such as a 404.
   */
  fallback?: (error: Error) => Res | Promise<Res>;
}

/** The typed client of a contract: one promise-returning method per request. */
export type ClientOf<C extends AnyContract> = {
  readonly [K in RequestName<C>]: (
    request: RequestOf<C['requests'][K]>,
    options?: CallOptions<ResponseOf<C['requests'][K]>>,
  ) => Promise<ResponseOf<C['requests'][K]>>;
};

/** The wire name of a request: `<module>.<request>`, e.g. `catalog.getProduct`. */
export function requestPattern(contract: AnyContract, name: string): string {
  return `${contract.module}.${name}`;
}

/** A client class: an abstract class used as the DI token, carrying its contract. */
export type ClientClass<C extends AnyContract = AnyContract> = (abstract new () => ClientOf<C>) & {
  readonly contract: C;
};

/**
 * The base of a domain's client token:
 * `export abstract class CatalogClient extends clientFor(catalogContract) {}`.
 * Callers inject `CatalogClient` and see only typed methods; the bus provides the instance.
 */
export function clientFor<C extends AnyContract>(contract: C): ClientClass<C> {
  abstract class ContractClient {
    static readonly contract = contract;
  }
  return ContractClient as unknown as ClientClass<C>;
}
