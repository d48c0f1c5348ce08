import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where the CPU went, from the `.cpuprofile` files `node --cpu-prof` leaves (one per child of
 * a `--profile` run): per process, the share of its busy time (idle left out) by where the
 * code lives — Cleave's own libs, each npm package, Node's internals, the garbage collector —
 * and the functions that spent most of it themselves.
 *
 * Start-up is left out: `--cpu-prof` records from the first line, and loading and compiling
 * the modules takes seconds of CPU on a busy 2-core machine, as much as the load itself in a
 * short scenario. The start-up ends at the last sample under Node's module loader that is
 * followed by STARTUP_GAP_MS without one (a lazy require later on stays in).
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

const STARTUP_GAP_MS = 2000;

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProcessProfile {
  process: string;
  /** CPU of the start-up, left out of the rest. */
  startupMs: number;
  busyMs: number;
  groups: { name: string; ms: number }[];
  functions: { name: string; where: string; ms: number }[];
}

const TOP = 12;

export function readProfiles(dir: string): ProcessProfile[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .sort()
    .map((file) => summarise(file.replace(/\.cpuprofile$/, ''), JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile));
}

function summarise(process: string, profile: CpuProfile): ProcessProfile {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const from = startupEnd(profile, byId);
  const self = new Map<number, number>();
  let startupMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    // A sample's delta is the time since the one before: it belongs to the function sampled.
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    if (i <= from) {
      if (byId.get(profile.samples[i])!.callFrame.functionName !== '(idle)') startupMs += ms;
      continue;
    }
    self.set(profile.samples[i], (self.get(profile.samples[i]) ?? 0) + ms);
  }
  const groups = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; ms: number }>();
  let busyMs = 0;
  for (const [id, ms] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') continue;
    busyMs += ms;
    const group = groupOf(functionName, url);
    groups.set(group, (groups.get(group) ?? 0) + ms);
    const where = url ? `${shortUrl(url)}:${lineNumber + 1}` : group;
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  }
  const ranked = <T extends { ms: number }>(items: Iterable<T>) => [...items].sort((a, b) => b.ms - a.ms).slice(0, TOP);
  return {
    process,
    startupMs,
    busyMs,
    groups: ranked([...groups].map(([name, ms]) => ({ name, ms }))),
    functions: ranked(functions.values()),
  };
}

/** The index of the last start-up sample (see the top of this file); -1 when none. */
function startupEnd(profile: CpuProfile, byId: Map<number, ProfileNode>): number {
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const loading = new Map<number, boolean>();
  const underLoader = (id: number): boolean => {
    const known = loading.get(id);
    if (known !== undefined) return known;
    const url = byId.get(id)!.callFrame.url;
    const up = parent.get(id);
    const result = url.startsWith('node:internal/modules/') || (up !== undefined && underLoader(up));
    loading.set(id, result);
    return result;
  };
  let at = 0;
  let last = -1;
  let lastAt = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    at += (profile.timeDeltas[i] ?? 0) / 1000;
    if (last >= 0 && at - lastAt > STARTUP_GAP_MS) break;
    if (underLoader(profile.samples[i])) {
      last = i;
      lastAt = at;
    }
  }
  return last;
}

/** Where a function's code lives: a Cleave lib, an npm package, Node itself, or the VM. */
export function groupOf(functionName: string, url: string): string {
  if (!url) return functionName === '(garbage collector)' ? 'garbage collector' : functionName === '(program)' ? 'V8 and native code' : `native: ${functionName}`;
  if (url.startsWith('node:')) return url.startsWith('node:internal/') ? `node: ${url.slice('node:internal/'.length).split('/')[0]}` : `node: ${url.slice(5)}`;
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const [scope, name] = url.slice(modules + '/node_modules/'.length).split('/');
    return scope.startsWith('@') ? `${scope}/${name}` : scope;
  }
  const lib = /\/(libs\/(?:platform|domains|gateway|host|contracts)\/[^/]+|apps\/[^/]+|bench)\//.exec(url);
  return lib ? lib[1] : shortUrl(url);
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) return url.slice(modules + '/node_modules/'.length);
  const dist = /\/dist(?:-bench)?\/(.*)$/.exec(url);
  return dist ? dist[1] : url.replace(/^file:\/\//, '');
}

export function profileMarkdown(profiles: ProcessProfile[]): string {
  const pct = (ms: number, of: number) => `${((ms / of) * 100).toFixed(1)}%`;
  const out: string[] = [];
  for (const p of profiles) {
    out.push(`### ${p.process} (${(p.busyMs / 1000).toFixed(2)} s busy after a start-up of ${(p.startupMs / 1000).toFixed(2)} s)`, '');
    out.push('| where | share |', '| --- | --- |', ...p.groups.map((g) => `| ${g.name} | ${pct(g.ms, p.busyMs)} |`), '');
    out.push('| function (self time) | where | share |', '| --- | --- | --- |', ...p.functions.map((f) => `| ${f.name.replace(/\|/g, '\\|')} | ${f.where} | ${pct(f.ms, p.busyMs)} |`), '');
  }
  return out.join('\n');
}
