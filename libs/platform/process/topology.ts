/**
 * The topology: which process hosts which modules. One file in config/topology per
 * topology; the environment picks the topology and which of its processes this one is.
 */

export interface ProcessSpec {
  /** Whether this process serves the public HTTP API. */
  gateway: boolean;
  modules: string[];
  /** Whether the system is down without it (default) or only degraded. */
  critical: boolean;
}

export class TopologyError extends Error {}

export class Topology {
  private readonly hostOf: ReadonlyMap<string, string>;

  private constructor(
    readonly name: string,
    readonly processes: Readonly<Record<string, ProcessSpec>>,
  ) {
    const hostOf = new Map<string, string>();
    for (const [process, spec] of Object.entries(processes)) for (const m of spec.modules) hostOf.set(m, process);
    this.hostOf = hostOf;
  }

  /**
   * Checks a parsed topology file against the modules the codebase has. Refuses (with every
   * problem listed) unknown modules, unhosted modules and modules hosted by two processes.
   */
  static parse(name: string, raw: unknown, knownModules: readonly string[]): Topology {
    const problems: string[] = [];
    const processes: Record<string, ProcessSpec> = {};
    const rawProcesses = isRecord(raw) ? raw.processes : undefined;
    if (!isRecord(rawProcesses) || Object.keys(rawProcesses).length === 0) {
      throw new TopologyError(`topology "${name}": expected {"processes": {"<process>": {"modules": [...]}}} with at least one process`);
    }
    const hosts = new Map<string, string[]>();
    for (const [process, spec] of Object.entries(rawProcesses)) {
      if (!/^[a-z][a-z0-9-]*$/.test(process)) problems.push(`process name "${process}" must be lower-case letters, digits and dashes`);
      if (!isRecord(spec)) {
        problems.push(`process "${process}" must be an object`);
        continue;
      }
      const modules = spec.modules ?? [];
      if (!Array.isArray(modules) || !modules.every((m) => typeof m === 'string')) {
        problems.push(`process "${process}": "modules" must be a list of module names`);
        continue;
      }
      if (spec.gateway !== undefined && typeof spec.gateway !== 'boolean') problems.push(`process "${process}": "gateway" must be true or false`);
      const gateway = spec.gateway === true;
      if (spec.critical !== undefined && typeof spec.critical !== 'boolean') problems.push(`process "${process}": "critical" must be true or false`);
      if (!gateway && modules.length === 0) problems.push(`process "${process}" hosts nothing: give it modules or "gateway": true`);
      for (const m of modules) {
        if (!knownModules.includes(m)) problems.push(`process "${process}" hosts unknown module "${m}" (known: ${knownModules.join(', ')})`);
        hosts.set(m, [...(hosts.get(m) ?? []), process]);
      }
      processes[process] = { gateway, modules: [...new Set(modules)], critical: spec.critical !== false };
    }
    for (const m of knownModules) {
      const where = hosts.get(m);
      if (!where) problems.push(`module "${m}" is not hosted by any process`);
      else if (where.length > 1) problems.push(`module "${m}" is hosted by more than one process (${where.join(', ')}); run more instances of one process instead`);
    }
    if (!Object.values(processes).some((p) => p.gateway)) problems.push('no process serves the gateway ("gateway": true)');
    if (problems.length) throw new TopologyError(`topology "${name}" is invalid:\n  - ${problems.join('\n  - ')}`);
    return new Topology(name, processes);
  }

  get processNames(): string[] {
    return Object.keys(this.processes);
  }

  /** True when every module runs in one process: the bus then needs no Redis at all. */
  get isSingleProcess(): boolean {
    return this.processNames.length === 1;
  }

  process(name: string): ProcessSpec {
    const spec = this.processes[name];
    if (!spec) throw new TopologyError(`topology "${this.name}" has no process "${name}" (it has: ${this.processNames.join(', ')})`);
    return spec;
  }

  /** The process that hosts a module. */
  hostOfModule(module: string): string {
    const host = this.hostOf.get(module);
    if (!host) throw new TopologyError(`topology "${this.name}" does not host module "${module}"`);
    return host;
  }
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
