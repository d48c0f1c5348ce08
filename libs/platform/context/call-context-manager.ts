import { Context, ContextManager, ROOT_CONTEXT } from '@opentelemetry/api';
import { activeOtelContext, runInOtelContext } from './call-context';

/**
 * OpenTelemetry's context manager over the process's one AsyncLocalStorage (call-context.ts)
 * rather than a second one: a second storage would make every promise of every call carry
 * two stores, and every handler enter two scopes.
 */
export class CallContextManager implements ContextManager {
  active(): Context {
    return activeOtelContext() ?? ROOT_CONTEXT;
  }

  with<A extends unknown[], F extends (...args: A) => ReturnType<F>>(context: Context, fn: F, thisArg?: ThisParameterType<F>, ...args: A): ReturnType<F> {
    return thisArg === undefined ? runInOtelContext(context, fn, ...args) : runInOtelContext(context, () => fn.apply(thisArg, args));
  }

  bind<T>(context: Context, target: T): T {
    if (typeof target !== 'function') return target;
    const fn = target as unknown as (...args: unknown[]) => unknown;
    return function (this: unknown, ...args: unknown[]) {
      return runInOtelContext(context, () => fn.apply(this, args));
    } as unknown as T;
  }

  enable(): this {
    return this;
  }

  disable(): this {
    return this;
  }
}
