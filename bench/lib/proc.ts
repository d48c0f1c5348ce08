import { ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root (this file runs as dist-bench/bench/lib/proc.js). */
export const ROOT = resolve(__dirname, '../../..');
/** Where the compiled bench lives. */
export const BENCH_DIST = resolve(__dirname, '..');

const START_TIMEOUT_MS = 45_000;
const APP_READY = /(\S+) ready: (http:\/\/127\.0\.0\.1:\d+) .*instance (\S+)\)/;

const running = new Set<ChildProcess>();

/** Pids of every child still running. */
export function runningPids(): number[] {
  return [...running].map((c) => c.pid).filter((pid): pid is number => pid !== undefined);
}

/** Kills every child still running, at once (used on exit, error and signals). */
export function killAll(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

export interface ProcessMemory {
  /** Resident set size now, MB. */
  rssMB: number;
  /** Peak resident set size over the process's life (VmHWM), MB. */
  peakRssMB: number;
}

/** VmRSS and VmHWM from /proc (Linux); NaN elsewhere or once the process is gone. */
export function readMemory(pid: number | undefined): ProcessMemory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rssMB: kb('VmRSS') / 1024, peakRssMB: kb('VmHWM') / 1024 };
  } catch {
    return { rssMB: NaN, peakRssMB: NaN };
  }
}

/**
 * What a process holds of its own and what it shares, MB, from /proc/<pid>/smaps_rollup: its
 * anonymous memory (heap, stacks, native allocations), and its proportional share (Pss: a page
 * shared by n processes counts 1/n in each). RSS counts the Node binary's resident code (about
 * 50 MB, file-backed) whole in every process, though all of them share one copy.
 */
export function readPrivateMemory(pid: number | undefined): { anonMB: number; pssMB: number } {
  try {
    const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? NaN);
    return { anonMB: kb('Anonymous') / 1024, pssMB: kb('Pss') / 1024 };
  } catch {
    return { anonMB: NaN, pssMB: NaN };
  }
}

/** CPU time (user + system) a process has used, in seconds, from /proc/<pid>/stat; NaN if gone. */
export function cpuSeconds(pid: number | undefined, withReapedChildren = false): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state is field 3, utime 14, stime 15,
    // and the CPU of children it reaped, cutime 16 and cstime 17.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const children = withReapedChildren ? Number(fields[13]) + Number(fields[14]) : 0;
    return (Number(fields[11]) + Number(fields[12]) + children) / CLOCK_TICKS;
  } catch {
    return NaN;
  }
}

/** CPU seconds used so far by every process of this machine whose command is `name` (e.g. postgres backends). */
export function cpuSecondsOf(name: string): number {
  let total = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== name) continue;
    } catch {
      continue;
    }
    // A server's worker that exits (a PostgreSQL backend whose connection closed) takes its CPU
    // with it, into its parent's reaped-children time: counted there, the total never drops.
    const used = cpuSeconds(Number(pid), true);
    if (Number.isFinite(used)) total += used;
  }
  return total;
}

/** USER_HZ: 100 on every Linux this runs on. */
const CLOCK_TICKS = 100;

/** A process under measurement, started by the orchestrator. */
export class Child {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  readonly output: string[] = [];
  readonly exited: Promise<void>;
  /** Filled by the ready message (peers) or line (apps). */
  info: Record<string, any> = {};

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    running.add(proc);
    this.exited = new Promise((done) =>
      proc.once('exit', (code, signal) => {
        running.delete(proc);
        for (const p of this.pending.values()) p.reject(new Error(`${name} exited (${signal ?? code}) during a command:\n${this.tail()}`));
        this.pending.clear();
        done();
      }),
    );
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line) continue;
        this.output.push(line);
        if (this.output.length > 200) this.output.shift();
        if (process.env.BENCH_VERBOSE) console.log(`  [${name}] ${line}`);
      }
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    proc.on('message', (message: { id?: number; result?: unknown; error?: string }) => {
      if (message.id === undefined) return;
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) pending.reject(new Error(`${name}: ${message.error}`));
      else pending.resolve(message.result);
    });
  }

  get pid(): number {
    return this.proc.pid!;
  }

  memory(): ProcessMemory {
    return readMemory(this.proc.pid);
  }

  tail(lines = 30): string {
    return this.output.slice(-lines).join('\n');
  }

  /** Runs a command in a peer and resolves with its result. */
  call<T>(cmd: string, args: unknown = {}, timeoutMs = 120_000): Promise<T> {
    const id = ++this.nextId;
    return new Promise<T>((resolveCall, rejectCall) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        rejectCall(new Error(`${this.name} did not finish ${cmd} within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (v) => (clearTimeout(timer), resolveCall(v as T)),
        reject: (e) => (clearTimeout(timer), rejectCall(e)),
      });
      this.proc.send({ id, cmd, args });
    });
  }

  /** SIGTERM, then SIGKILL if it lingers; resolves once it is gone. */
  async stop(graceMs = 5000): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** BENCH_NODE_ARGS, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`, go to every child's node. */
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);

/**
 * The CLEAVE_BUS_* and OTEL_* settings of the orchestrator's environment reach every child, to
 * try one without editing code (`OTEL_SDK_DISABLED=true npm run bench` measures tracing's cost).
 */
function passedSettings(): Record<string, string> {
  return Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => /^(CLEAVE_BUS_|OTEL_)/.test(e[0]) && e[1] !== undefined));
}

/** Set by `--profile`: every child started from then on writes a CPU profile there when it exits. */
let profileDir: string | undefined;
const profiledNames = new Map<string, number>();

export function profileInto(dir: string): void {
  profileDir = dir;
}

/** `--cpu-prof` into the profile directory, the file named after the child (a second one of the same name: `.2`). */
function profileArgs(name: string): string[] {
  if (!profileDir) return [];
  const seen = (profiledNames.get(name) ?? 0) + 1;
  profiledNames.set(name, seen);
  const file = `${name.replace(/[^\w.#-]+/g, '-')}${seen > 1 ? `.${seen}` : ''}.cpuprofile`;
  return ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-name=${file}`];
}

function launch(name: string, args: string[], env: Record<string, string>): Child {
  const proc = spawn(process.execPath, [...NODE_ARGS, ...profileArgs(name), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', NO_COLOR: '1', ...passedSettings(), ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  return new Child(name, proc);
}

function whenReady(child: Child, ready: Promise<void>): Promise<Child> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${child.name} not ready within ${START_TIMEOUT_MS} ms:\n${child.tail()}`)), START_TIMEOUT_MS);
  });
  const died = child.exited.then(() => {
    throw new Error(`${child.name} exited before it was ready (${child.proc.signalCode ?? child.proc.exitCode}):\n${child.tail()}`);
  });
  return Promise.race([ready, timeout, died]).then(
    () => (clearTimeout(timer), child),
    async (error) => {
      clearTimeout(timer);
      child.proc.kill('SIGKILL');
      throw error;
    },
  );
}

/** Starts a bench peer (bench/peers/<script>.ts, compiled) and waits for its ready message. */
export function startPeer(name: string, script: string, env: Record<string, string>): Promise<Child> {
  const child = launch(name, [join(BENCH_DIST, 'peers', `${script}.js`)], env);
  const ready = new Promise<void>((resolveReady, rejectReady) => {
    child.proc.on('message', (message: { type?: string; error?: string }) => {
      if (message.type === 'ready') {
        child.info = message;
        resolveReady();
      } else if (message.type === 'failed') rejectReady(new Error(`${name} failed to start: ${message.error}`));
    });
  });
  return whenReady(child, ready);
}

/**
 * Starts one of the real built apps (dist/apps/<app>/src/main.js) and waits for its
 * "<process> ready: <url> ... instance <id>)" line. The leash makes it exit with the run.
 */
export function startApp(name: string, app: string, env: Record<string, string>): Promise<Child> {
  const child = launch(name, ['-r', join(BENCH_DIST, 'lib', 'leash.js'), join('dist/apps', app, 'src/main.js')], env);
  const ready = new Promise<void>((resolveReady) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4000);
      const match = APP_READY.exec(seen);
      if (!match) return;
      child.info = { process: match[1], url: match[2], instanceId: match[3] };
      child.proc.stdout?.off('data', onData);
      resolveReady();
    };
    child.proc.stdout?.on('data', onData);
  });
  return whenReady(child, ready);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
