// Timeout, retry, circuit breaker and bulkhead per call target, from config/resilience.json.
export {
  BreakerSpec,
  BulkheadSpec,
  DEFAULT_RESILIENCE,
  parseResilienceConfig,
  PolicySpec,
  ResilienceConfig,
  ResilienceConfigError,
  ResolvedPolicy,
  resolvePolicy,
  RetrySpec,
} from './resilience.config';
export { Attempt, BreakerStateName, CallPolicy, TargetPolicies } from './target-policies';
export { resilienceFrom, ResilienceSettings } from './resilience.settings';
