import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Topology, TopologyError } from '@cleave/platform/process';
import { DEFAULT_RESILIENCE, parseResilienceConfig, ResilienceConfig } from '@cleave/platform/resilience';

/** The config files live under CLEAVE_CONFIG_DIR (default ./config). */
function configDir(): string {
  return process.env.CLEAVE_CONFIG_DIR ?? 'config';
}

/** `config/topology/<name>.json`, checked against the modules the codebase has. */
export function loadTopology(name: string, knownModules: readonly string[], dir = configDir()): Topology {
  if (!/^[a-z0-9-]+$/i.test(name)) throw new TopologyError(`CLEAVE_TOPOLOGY must be a plain name, got "${name}"`);
  const file = resolve(join(dir, 'topology', `${name}.json`));
  if (!existsSync(file)) {
    throw new TopologyError(`topology "${name}" not found: no ${file} (run from the repository root or set CLEAVE_CONFIG_DIR)`);
  }
  return Topology.parse(name, readJson(file), knownModules);
}

/**
 * `config/resilience.json` when present (its defaults laid over the built-in ones), else the
 * built-in defaults. Targets must be modules the codebase has.
 */
export function loadResilience(knownModules: readonly string[], dir = configDir()): ResilienceConfig {
  const file = resolve(join(dir, 'resilience.json'));
  if (!existsSync(file)) return DEFAULT_RESILIENCE;
  const config = parseResilienceConfig(readJson(file), file);
  const unknown = Object.keys(config.targets).filter((t) => !knownModules.includes(t));
  if (unknown.length) throw new TopologyError(`${file}: unknown target module ${unknown.map((t) => `"${t}"`).join(', ')} (known: ${knownModules.join(', ')})`);
  return { defaults: { ...DEFAULT_RESILIENCE.defaults, ...config.defaults }, targets: config.targets };
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TopologyError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
