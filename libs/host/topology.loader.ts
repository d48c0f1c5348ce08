import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Topology, TopologyError } from '@cleave/platform/bus/topology';

/** The topology files live in `config/topology/<name>.json` under CLEAVE_CONFIG_DIR (default ./config). */
export function loadTopology(name: string, knownModules: readonly string[], configDir = process.env.CLEAVE_CONFIG_DIR ?? 'config'): Topology {
  if (!/^[a-z0-9-]+$/i.test(name)) throw new TopologyError(`CLEAVE_TOPOLOGY must be a plain name, got "${name}"`);
  const file = resolve(join(configDir, 'topology', `${name}.json`));
  if (!existsSync(file)) {
    throw new TopologyError(`topology "${name}" not found: no ${file} (run from the repository root or set CLEAVE_CONFIG_DIR)`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new TopologyError(`topology file ${file} is not valid JSON: ${(error as Error).message}`);
  }
  return Topology.parse(name, raw, knownModules);
}
