import { AsyncLocalStorage } from 'node:async_hooks';
import type { Context } from '@opentelemetry/api';
import { MODULE_KEY } from './module-key';

/** What a handler's own outgoing calls inherit from the message being handled. */
export interface CallContext {
  messageId: string;
  /** Epoch ms; nested calls never get more time than their caller has left. */
  deadline?: number;
  traceparent?: string;
  /** The module handling the message (the callee, or the subscriber of an event). */
  module?: string;
}

/**
 * What the process's one AsyncLocalStorage holds: the message being handled, if any, and the
 * OpenTelemetry context. Tracing installs its context manager over this same storage (see
 * CallContextManager), so a handler runs inside one `run`, and every promise carries one
 * store along, not two.
 */
interface Scope {
  call?: CallContext;
  otel?: Context;
}

const storage = new AsyncLocalStorage<Scope>();

export function currentCall(): CallContext | undefined {
  return storage.getStore()?.call;
}

/**
 * The module doing the current work: the one handling the bus message, else the one the
 * HTTP request belongs to (MODULE_KEY, set by the gateway's tracing middleware). Undefined
 * outside both (a timer, a startup task).
 */
export function currentModule(): string | undefined {
  const scope = storage.getStore();
  return scope?.call?.module ?? (scope?.otel?.getValue(MODULE_KEY) as string | undefined);
}

/** Runs `fn` as the handling of a message; `otel`, when given, becomes the active OpenTelemetry context. */
export function runInCall<T>(context: CallContext, fn: () => T, otel?: Context): T {
  return storage.run({ call: context, otel: otel ?? storage.getStore()?.otel }, fn);
}

/** The active OpenTelemetry context, if any (for the context manager). */
export function activeOtelContext(): Context | undefined {
  return storage.getStore()?.otel;
}

/** Runs `fn` with another OpenTelemetry context, in the same call (for the context manager). */
export function runInOtelContext<A extends unknown[], R>(otel: Context, fn: (...args: A) => R, ...args: A): R {
  return storage.run({ call: storage.getStore()?.call, otel }, fn, ...args);
}

/**
 * Runs `fn` in the current call without its deadline: for work that must finish even when
 * the caller stops waiting (a saga that has taken stock has to charge or give it back).
 */
export function withoutDeadline<T>(fn: () => T): T {
  const scope = storage.getStore();
  if (!scope?.call?.deadline) return fn();
  return storage.run({ call: { ...scope.call, deadline: undefined }, otel: scope.otel }, fn);
}
