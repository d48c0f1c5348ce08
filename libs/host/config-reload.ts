import { ConfigSchema, ConfigSettings, ConfigSources, Env, SettingsError } from '@cleave/platform/config';
import { ReloadReply, requestReload } from '@cleave/platform/config-sync';
import { createRedisConnection, describeTarget, RedisKeys, RedisSettings, redisTarget } from '@cleave/platform/redis';
import { ALL_SETTINGS } from './settings';

const USAGE = `usage: npm run config:reload -- [NAME=value ...] [--reset] [--process NAME] [--timeout MS]

Asks every process of the split system, over Redis, to read its own sources again
(config/<NODE_ENV>.env, .env, config/resilience.json) and apply what changed among the live
settings. NAME=value pairs are laid over each process's environment until it stops (live
settings only); --reset drops them. --process asks one process only. Redis and the key
prefix come from REDIS_URL and CLEAVE_REDIS_PREFIX, read like a process reads them.`;

interface Args {
  overrides: Env;
  reset: boolean;
  process?: string;
  timeoutMs: number;
}

/** `npm run config:reload`: prints each instance's answer; exits 1 if any refused or did not answer. */
export async function configReload(argv: readonly string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  let redis: RedisSettings;
  try {
    redis = ConfigSchema.of([ConfigSettings, RedisSettings]).load(ConfigSources.fromProcess().read()).groups.get(RedisSettings) as RedisSettings;
  } catch (error) {
    console.error(`config:reload cannot start: ${(error as SettingsError).message}`);
    return 2;
  }
  const options = { lazyConnect: true, maxRetriesPerRequest: 1, retryStrategy: () => null, connectTimeout: 2000 };
  const target = redisTarget(redis);
  const command = createRedisConnection(target, options);
  const subscriber = createRedisConnection(target, options);
  for (const client of [command, subscriber]) client.on('error', () => undefined);
  try {
    await Promise.all([command.connect(), subscriber.connect()]);
  } catch (error) {
    console.error(
      `No answer from ${describeTarget(target)} (${(error as Error).message}). config:reload reaches the processes of a split system through Redis; ` +
        'a one-process Cleave reloads on its own when its files change, or on SIGHUP (kill -HUP <pid>).',
    );
    command.disconnect();
    subscriber.disconnect();
    return 2;
  }
  try {
    const { replies, silent } = await requestReload(command, subscriber, new RedisKeys(redis.prefix), { overrides: Object.keys(args.overrides).length ? args.overrides : undefined, reset: args.reset || undefined, process: args.process }, args.timeoutMs);
    for (const reply of replies.sort((a, b) => a.process.localeCompare(b.process) || a.instanceId.localeCompare(b.instanceId))) console.log(describe(reply));
    for (const instance of silent) console.log(`${instance}: no answer within ${args.timeoutMs} ms`);
    if (!replies.length && !silent.length) console.log(`No Cleave process is running under the prefix "${redis.prefix}"${args.process ? ` as ${args.process}` : ''}.`);
    return silent.length || replies.some((r) => r.outcome.status === 'refused') || !replies.length ? 1 : 0;
  } finally {
    command.disconnect();
    subscriber.disconnect();
  }
}

function describe({ process, instanceId, outcome }: ReloadReply): string {
  const lines = [`${process} ${instanceId}: ${outcome.status}`];
  if (outcome.changed.length) lines.push(...outcome.changed.map((c) => `  applied: ${c}`));
  if (outcome.needsRestart.length) lines.push(...outcome.needsRestart.map((c) => `  needs a restart, not applied: ${c}`));
  if (outcome.problems.length) lines.push(...outcome.problems.map((p) => `  refused: ${p}`));
  return lines.join('\n');
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { overrides: {}, reset: false, timeoutMs: 10_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--reset') args.reset = true;
    else if (arg === '--process') args.process = required(argv[++i], '--process');
    else if (arg === '--timeout') {
      args.timeoutMs = Number(required(argv[++i], '--timeout'));
      if (!Number.isInteger(args.timeoutMs) || args.timeoutMs < 1) throw new Error('--timeout takes a number of milliseconds');
    } else {
      const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(arg);
      if (!match) throw new Error(`Unknown argument "${arg}"`);
      if (!ALL_SETTINGS.declares(match[1])) throw new Error(`${match[1]} is not a setting of Cleave (every setting: .env.example)`);
      args.overrides[match[1]] = match[2];
    }
  }
  return args;
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new Error(`${flag} takes a value`);
  return value;
}
