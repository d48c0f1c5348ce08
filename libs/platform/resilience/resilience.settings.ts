import { defineSettings, setting } from '@cleave/platform/config';
import { DEFAULT_RESILIENCE, parseResilienceConfig, ResilienceConfig, ResilienceConfigError } from './resilience.config';

/**
 * The policies of every call target, from `config/resilience.json` (its defaults laid over
 * the built-in ones; targets must be modules the codebase has). Live: an edited file applies
 * to the next calls, and a breaker or bulkhead whose settings changed starts afresh.
 */
export class ResilienceSettings extends defineSettings('resilience', 'Resilience policies', {
  policies: setting.jsonFile('resilience', {
    file: 'resilience.json',
    live: true,
    parse: (raw, file, context) => resilienceFrom(raw, file, context.modules),
    missing: () => DEFAULT_RESILIENCE,
    defaultDoc: 'built-in defaults (retry 3 times, breaker after 5 failures, bulkhead 256 + 1024)',
    doc: 'timeouts, retries, circuit breakers and bulkheads per target module and pattern (see "Tune the resilience policies")',
  }),
}) {}

export function resilienceFrom(raw: unknown, file: string, knownModules: readonly string[]): ResilienceConfig {
  const config = parseResilienceConfig(raw, file);
  const unknown = knownModules.length ? Object.keys(config.targets).filter((t) => !knownModules.includes(t)) : [];
  if (unknown.length) {
    throw new ResilienceConfigError(`${file}: unknown target module ${unknown.map((t) => `"${t}"`).join(', ')} (known: ${knownModules.join(', ')})`);
  }
  return { defaults: { ...DEFAULT_RESILIENCE.defaults, ...config.defaults }, targets: config.targets };
}
