/**
 * `npm run bench` / `npm run bench:quick`: every scenario in one go, on this machine.
 *
 *   node dist-bench/bench/run.js [--quick] [--only bus,events,http,checkout,scale,tracing,idle,cluster,network] [--rebuild] [--no-readme] [--profile]
 *   node dist-bench/bench/run.js --report bench/results/<timestamp>.json   (render a results file again)
 *
 * Builds the apps once if dist/ is missing or older than the sources, runs the scenarios one
 * after another (each server and client in its own child process), writes
 * bench/results/<timestamp>.json and .md (a quick run: dist-bench/results/), and on a full
 * run puts the table in bench/README.md.
 * Every child is killed at the end, on error and on Ctrl-C. REDIS_URL (default
 * redis://127.0.0.1:6379). The split system runs on a fresh PostgreSQL database per module
 * (BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres), or on SQLite
 * files with BENCH_SPLIT_DB=sqlite. BENCH_VERBOSE=1 echoes the children's output.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem, type } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Context, FULL, QUICK } from './lib/context';
import { InterferenceMonitor } from './lib/interference';
import { killAll, profileInto, ROOT } from './lib/proc';
import { profileMarkdown, readProfiles } from './lib/profiles';
import { markdown, Results, skewed, targetsOf } from './lib/report';
import { busScenario } from './scenarios/bus';
import { checkoutScenario } from './scenarios/checkout';
import { clusterScenario } from './scenarios/cluster';
import { eventsScenario } from './scenarios/events';
import { httpScenario } from './scenarios/http';
import { scaleScenario } from './scenarios/scale';
import { tracingScenario } from './scenarios/tracing';
import { idleScenario } from './scenarios/idle';
import { networkScenario } from './scenarios/network';

const SCENARIOS = ['bus', 'events', 'http', 'checkout', 'scale', 'tracing', 'idle', 'cluster', 'network'] as const;
type ScenarioName = (typeof SCENARIOS)[number];
/** Hard stop: a run never outlives this, whatever hangs. */
const RUN_LIMIT_MS = 30 * 60_000;
const README_START = '<!-- bench:results:start -->';
const README_END = '<!-- bench:results:end -->';

function parseArgs(argv: string[]) {
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1]?.split(',') : undefined;
  for (const name of only ?? []) if (!SCENARIOS.includes(name as ScenarioName)) throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.join(', ')}`);
  return {
    quick: argv.includes('--quick'),
    only: (only ?? SCENARIOS) as ScenarioName[],
    rebuild: argv.includes('--rebuild'),
    readme: !argv.includes('--no-readme'),
    profile: argv.includes('--profile'),
  };
}

function newestMtime(dir: string, skip: RegExp): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, skip));
    else if (entry.name.endsWith('.ts') && !skip.test(entry.name)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

/** `nest build` when dist/ lacks an app or is older than any source it is built from. */
function buildIfStale(force: boolean, log: (m: string) => void): void {
  const apps = readdirSync(join(ROOT, 'apps'));
  const mains = apps.map((app) => join(ROOT, 'dist/apps', app, 'src/main.js'));
  const oldestBuild = Math.min(...mains.map((m) => (existsSync(m) ? statSync(m).mtimeMs : 0)));
  const sources = Math.max(
    newestMtime(join(ROOT, 'apps'), /\.spec\.ts$/),
    newestMtime(join(ROOT, 'libs'), /\.spec\.ts$/),
    ...['tsconfig.json', 'tsconfig.build.json', 'package-lock.json'].map((f) => statSync(join(ROOT, f)).mtimeMs),
  );
  if (!force && oldestBuild > sources) return log('dist/ is up to date');
  log('building the apps (nest build)');
  const built = spawnSync(process.execPath, [require.resolve('@nestjs/cli/bin/nest.js'), 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (built.status !== 0) throw new Error('nest build failed');
}

/** Share of the machine's CPU time spent busy over `ms` (from /proc/stat; NaN elsewhere). */
async function cpuBusy(ms: number): Promise<number> {
  const read = () => {
    try {
      const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
      const idle = fields[3] + (fields[4] ?? 0);
      return { idle, total: fields.reduce((a, b) => a + b, 0) };
    } catch {
      return { idle: NaN, total: NaN };
    }
  };
  const before = read();
  await new Promise((resolve) => setTimeout(resolve, ms));
  const after = read();
  return 1 - (after.idle - before.idle) / (after.total - before.total);
}

/** Waits (up to a minute) for other work on the machine to stop: it would skew every figure. */
async function waitForQuiet(log: (m: string) => void): Promise<number> {
  let busy = await cpuBusy(2000);
  for (let waited = 0; busy > 0.2 && waited < 60; waited += 5) {
    log(`the machine is ${(busy * 100).toFixed(0)}% busy with other work; waiting for it to calm down`);
    busy = await cpuBusy(5000);
  }
  if (busy > 0.2) log(`WARNING: running on a machine ${(busy * 100).toFixed(0)}% busy with other work; figures will be low and noisy`);
  return busy;
}

async function redisVersion(redis: Redis): Promise<string> {
  const info = await redis.info('server');
  return /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown';
}

/** [3, 4, 5, 9] → "3-5, 9". */
function ranges(values: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    let j = i;
    while (j + 1 < values.length && values[j + 1] - values[j] <= 1) j++;
    out.push(j > i ? `${values[i]}-${values[j]}` : `${values[i]}`);
    i = j;
  }
  return out.join(', ');
}

function stamp(date: Date): string {
  return date.toISOString().replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = new Date();
  const t0 = performance.now();
  const log = (message: string) => console.log(`[bench ${((performance.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${message}`);
  buildIfStale(args.rebuild, log);

  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
  } catch (error) {
    throw new Error(`The benchmark needs Redis at ${redisUrl}: ${(error as Error).message}`);
  }
  const ctx: Context = {
    quick: args.quick,
    plans: args.quick ? QUICK : FULL,
    redisUrl,
    redis,
    runId: randomBytes(4).toString('hex'),
    splitDatabase: process.env.BENCH_SPLIT_DB === 'sqlite' ? 'sqlite' : 'postgres',
    log,
  };
  const machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    os: `${type()} ${release()}`,
    node: process.version,
    redis: await redisVersion(redis),
    busyBeforeRunPct: Math.round((await waitForQuiet(log)) * 100),
  };
  log(`${args.quick ? 'quick' : 'full'} run of ${args.only.join(', ')} on ${machine.cpu}, ${machine.cores} cores`);

  // A profiled run's figures are slowed by the profiler: they stay out of bench/results like a quick run's.
  const profileDir = args.profile ? join(ROOT, 'dist-bench/profiles', stamp(started)) : undefined;
  if (profileDir) {
    mkdirSync(profileDir, { recursive: true });
    profileInto(profileDir);
    log(`profiling every child into ${profileDir}`);
  }
  const scenarios: Results['scenarios'] = {};
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]) || undefined;
  const monitor = new InterferenceMonitor(() => (redisPid ? [redisPid] : [])).start();
  try {
    if (args.only.includes('bus')) scenarios.bus = await busScenario(ctx);
    if (args.only.includes('events')) scenarios.events = await eventsScenario(ctx);
    if (args.only.includes('http')) scenarios.http = await httpScenario(ctx);
    if (args.only.includes('checkout')) scenarios.checkout = await checkoutScenario(ctx);
    if (args.only.includes('scale')) scenarios.scale = await scaleScenario(ctx);
    if (args.only.includes('tracing')) scenarios.tracing = await tracingScenario(ctx);
    if (args.only.includes('idle')) scenarios.idle = await idleScenario(ctx);
    if (args.only.includes('cluster')) scenarios.cluster = await clusterScenario(ctx);
    if (args.only.includes('network')) scenarios.network = await networkScenario(ctx);
  } finally {
    killAll();
    redis.disconnect();
  }

  const interference = monitor.stop();
  if (skewed({ interference, durationSec: (performance.now() - t0) / 1000 })) {
    log(`WARNING: other work used over 25% of the machine for ${interference.secondsAbove25Pct} s of the run (mean ${interference.meanPct.toFixed(0)}%; at ${ranges(interference.spikes.map((s) => s.atSec))} s): figures are skewed`);
  }
  const results: Results = {
    startedAt: started.toISOString(),
    interference,
    durationSec: (performance.now() - t0) / 1000,
    quick: args.quick,
    machine,
    plans: ctx.plans,
    scenarios,
    targets: targetsOf(scenarios),
  };
  // A quick run is a smoke check: its figures stay out of bench/results (dist-bench/ is not committed).
  const dir = profileDir ?? join(ROOT, args.quick ? 'dist-bench/results' : 'bench/results');
  mkdirSync(dir, { recursive: true });
  const base = join(dir, `${stamp(started)}${args.quick ? '-quick' : ''}`);
  writeFileSync(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
  publish(results, base, !args.quick && !profileDir && SCENARIOS.every((s) => args.only.includes(s)) && args.readme, log);
  if (profileDir) {
    writeFileSync(join(profileDir, 'summary.md'), `# Where the CPU went\n\n${profileMarkdown(readProfiles(profileDir))}`);
    log(`CPU profiles and their summary: ${profileDir}/summary.md (open a .cpuprofile in Chrome DevTools for the whole tree)`);
  }
  // A correctness check, not a figure: a run whose stock does not add up fails.
  const inconsistent = (scenarios.checkout?.rows ?? []).filter((r) => !r.consistent).map((r) => r.label);
  if (inconsistent.length) {
    console.error(`bench: checkout under payment failures left stock and confirmed orders inconsistent on: ${inconsistent.join(', ')}`);
    process.exitCode = 1;
  }
}

/** Writes `<base>.md` and, for a complete full run, the table in bench/README.md. */
function publish(results: Results, base: string, readme: boolean, log: (m: string) => void): void {
  const table = markdown(results);
  writeFileSync(`${base}.md`, `# Cleave benchmark results\n\n${table}\n`);
  log(`wrote ${base}.json and .md`);
  if (readme) {
    const readmePath = join(ROOT, 'bench/README.md');
    const text = readFileSync(readmePath, 'utf8');
    const startAt = text.indexOf(README_START);
    const endAt = text.indexOf(README_END);
    if (startAt >= 0 && endAt > startAt) {
      const name = base.slice(base.lastIndexOf('/') + 1);
      const link = `Full figures: [results/${name}.json](results/${name}.json).`;
      writeFileSync(readmePath, `${text.slice(0, startAt + README_START.length)}\n${table}\n${link}\n${text.slice(endAt)}`);
      log('updated the table in bench/README.md');
    }
  }
  console.log(`\n${table}`);
}

/** `--report <results.json>`: renders a results file again (its .md, and the README table for a full run). */
function rerender(file: string): void {
  const results = JSON.parse(readFileSync(file, 'utf8')) as Results;
  const complete = SCENARIOS.every((s) => !!results.scenarios[s]);
  publish(results, file.replace(/\.json$/, ''), !results.quick && complete && !process.argv.includes('--no-readme'), console.log);
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping every child process`);
    killAll();
    process.exit(130);
  });
}
setTimeout(() => {
  console.error(`bench: still running after ${RUN_LIMIT_MS / 60_000} minutes, giving up`);
  killAll();
  process.exit(1);
}, RUN_LIMIT_MS).unref();

const reportAt = process.argv.indexOf('--report');
(reportAt >= 0 ? Promise.resolve().then(() => rerender(process.argv[reportAt + 1])) : main()).catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  killAll();
  process.exit(1);
});
