// The one AsyncLocalStorage of a process: the message being handled and the OpenTelemetry context.
export { activeOtelContext, CallContext, currentCall, currentModule, runInCall, runInOtelContext, withoutDeadline } from './call-context';
export { MODULE_KEY } from './module-key';
export { CallContextManager } from './call-context-manager';
