import { join } from 'node:path';
import { defineSettings, Env, setting } from '@cleave/platform/config';
import { Topology, TopologyError } from './topology';

const TOPOLOGY_NAME = /^[a-z0-9-]+$/i;

/** Loopback by default outside production: a development setup is not on the network. */
export function listenHost(env: Env): string {
  return env.HOST ?? (env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1');
}

/** Which process of which topology this is, and where it listens. */
export class ProcessSettings extends defineSettings(
  'process',
  'Topology and process',
  {
    topologyName: setting.string('CLEAVE_TOPOLOGY', {
      default: 'monolith',
      pattern: TOPOLOGY_NAME,
      expected: 'a plain name (letters, digits, dashes)',
      defaultDoc: '`monolith` (`split` for apps other than monolith)',
      doc: 'topology file name: `config/topology/<name>.json` says which process hosts which modules',
    }),
    configuredProcess: setting.optional('CLEAVE_PROCESS', {
      defaultDoc: "the app's own name",
      doc: 'which process of the topology this is (a one-process topology needs none)',
    }),
    topology: setting.jsonFile('topology', {
      file: (context) => join('topology', `${topologyName(context.env)}.json`),
      parse: (raw, _file, context) => Topology.parse(topologyName(context.env), raw, context.modules),
      missing: (file, context) => {
        throw new TopologyError(`topology "${topologyName(context.env)}" not found: no ${file} (run from the repository root or set CLEAVE_CONFIG_DIR)`);
      },
      fileDoc: 'config/topology/<CLEAVE_TOPOLOGY>.json',
      defaultDoc: 'required',
      doc: 'the topology file (checked at start: every module hosted exactly once, a gateway)',
    }),
    host: setting.string('HOST', {
      default: (context) => listenHost({ NODE_ENV: context.env.NODE_ENV }),
      defaultDoc: '`127.0.0.1`, or `0.0.0.0` with `NODE_ENV=production`',
      doc: 'address the HTTP listener binds',
    }),
    port: setting.int('PORT', { default: 3000, max: 65_535, doc: 'HTTP port (`0` picks a free one)' }),
  },
  (values) => {
    const { topology, configuredProcess } = values;
    if (configuredProcess !== undefined && !topology.processNames.includes(configuredProcess)) {
      return [`CLEAVE_PROCESS: topology "${topology.name}" has no process "${configuredProcess}" (it has: ${topology.processNames.join(', ')})`];
    }
    if (configuredProcess === undefined && !topology.isSingleProcess) {
      return [`CLEAVE_PROCESS is required: topology "${topology.name}" has several processes, set it to one of ${topology.processNames.join(', ')}`];
    }
    return [];
  },
) {
  /** This process's name in the topology. */
  get processName(): string {
    return this.configuredProcess ?? this.topology.processNames[0];
  }
}

function topologyName(env: Env): string {
  const name = env.CLEAVE_TOPOLOGY ?? 'monolith';
  return TOPOLOGY_NAME.test(name) ? name : 'monolith';
}
