import { AsyncLocalStorage } from 'node:async_hooks';

/** What a handler's own outgoing calls inherit from the message being handled. */
export interface CallContext {
  messageId: string;
  /** Epoch ms; nested calls never get more time than their caller has left. */
  deadline?: number;
  traceparent?: string;
}

const storage = new AsyncLocalStorage<CallContext>();

export function currentCall(): CallContext | undefined {
  return storage.getStore();
}

export function runInCall<T>(context: CallContext, fn: () => T): T {
  return storage.run(context, fn);
}
