import { randomBytes } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { Logger } from '@nestjs/common';
import pino from 'pino';
import { DeadLetter, DeadLetterStore, isDeadLetterId, isEventName, RedisDeadLetters } from '@cleave/platform/bus';
import { ConfigSchema, ConfigSettings, ConfigSources, SettingsError } from '@cleave/platform/config';
import { JsonLogger, LoggingSettings } from '@cleave/platform/logging';
import { connectionOptionsFrom, RedisConnections, RedisSettings } from '@cleave/platform/redis';

export const DLQ_USAGE = `Usage: npm run dlq -- <command> [--json]

  list                         per event: dead letters, modules, oldest, its first error
  show <event> [--limit N] [--after ID]
                               the event's dead letters, oldest first
  show <event> <id>            one dead letter in full (payload, errors, deliveries)
  replay <event> <id>          back to the event's stream, for the module that failed it
  replay <event> --all         every dead letter of the event
  replay --all                 every dead letter of every event
  drop <event> <id>            delete it; its whole content is written to the log (stderr)
  drop <event> --all | drop --all

Reads REDIS_URL (redis://127.0.0.1:6379) and CLEAVE_REDIS_PREFIX (cleave), like the processes.`;

/** A mistake in the command line: the usage is shown, exit code 2. */
class UsageError extends Error {}

interface Output {
  out(text: string): void;
  err(text: string): void;
}

interface Args {
  command: string;
  positional: string[];
  all: boolean;
  json: boolean;
  limit: number;
  after?: string;
}

/**
 * `npm run dlq -- list|show|replay|drop`: the dead letters of a split system from a shell,
 * the same operations as the gateway's `/dead-letters` admin routes. Answers the exit code:
 * 0 done, 1 no such dead letter or Redis failed, 2 a usage mistake.
 */
export async function runDeadLettersCli(argv: string[], io: Output = consoleOutput): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`${error.message}\n\n${DLQ_USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    io.out(DLQ_USAGE);
    return 0;
  }
  // Redis and the log level are read like a process reads them (environment, .env, config/<NODE_ENV>.env).
  let settings: { redis: RedisSettings; logging: LoggingSettings };
  try {
    const groups = ConfigSchema.of([ConfigSettings, RedisSettings, LoggingSettings]).load(ConfigSources.fromProcess().read()).groups;
    settings = { redis: groups.get(RedisSettings) as RedisSettings, logging: groups.get(LoggingSettings) as LoggingSettings };
  } catch (error) {
    io.err(`dlq cannot start: ${(error as SettingsError).message}`);
    return 2;
  }
  // Drop and replay records go to stderr as the processes' JSON log lines; stdout stays the answer.
  const instance = `dlq-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  Logger.overrideLogger(JsonLogger.create({ process: 'dlq', instance }, settings.logging, pino.destination({ dest: 2, sync: true })));
  const redis = new RedisConnections(connectionOptionsFrom(settings.redis, instance));
  try {
    return await run(args, new RedisDeadLetters(redis), io, { by: `npm run dlq (${userInfo().username}@${hostname()})` });
  } catch (error) {
    io.err(`dlq: ${(error as Error).message}`);
    return 1;
  } finally {
    await redis.onApplicationShutdown();
  }
}

async function run(args: Args, store: DeadLetterStore, io: Output, actor: { by: string }): Promise<number> {
  const print = (value: unknown, text: () => string) => io.out(args.json ? JSON.stringify(value, null, 2) : text());
  const [event, id] = args.positional;
  switch (args.command) {
    case 'list': {
      const events = await store.summary();
      print(events, () =>
        events.length
          ? table(
              ['EVENT', 'COUNT', 'MODULES', 'OLDEST', 'FIRST ERROR'],
              events.map((e) => [e.event, String(e.count), Object.entries(e.groups).map(([g, n]) => `${g}:${n}`).join(','), e.oldest.deadAt, e.oldest.firstError]),
            )
          : 'No dead letters.',
      );
      return 0;
    }
    case 'show': {
      if (id) {
        const letter = await store.get(event, id);
        if (!letter) return missing(io, event, id);
        io.out(JSON.stringify(letter, null, 2));
        return 0;
      }
      const letters = await store.list(event, { limit: args.limit, after: args.after });
      print(letters, () => (letters.length ? lettersTable(letters) : `No dead letters of ${event}.`));
      return 0;
    }
    case 'replay': {
      if (id) {
        const replayed = await store.replay(event, id, actor);
        if (!replayed) return missing(io, event, id);
        print(replayed, () => `Replayed ${id} of ${event} to ${replayed.group} (event ${replayed.eventId}, now ${replayed.replayedAs}).`);
        return 0;
      }
      const replayed = (await Promise.all((await eventsOf(store, event)).map((e) => store.replayAll(e, actor)))).flat();
      print(replayed, () => `Replayed ${replayed.length} dead letter${replayed.length === 1 ? '' : 's'}${replayed.map((r) => `\n  ${r.event} ${r.id} -> ${r.group}`).join('')}`);
      return 0;
    }
    case 'drop': {
      if (id) {
        const dropped = await store.drop(event, id, actor);
        if (!dropped) return missing(io, event, id);
        print(dropped, () => `Dropped ${id} of ${event} (event ${dropped.eventId}, ${dropped.group}); its content is in the log.`);
        return 0;
      }
      const dropped = (await Promise.all((await eventsOf(store, event)).map((e) => store.dropAll(e, actor)))).flat();
      print(dropped, () => `Dropped ${dropped.length} dead letter${dropped.length === 1 ? '' : 's'}; their content is in the log.`);
      return 0;
    }
  }
  return 2;
}

/** `--all` without an event means every event that has dead letters. */
async function eventsOf(store: DeadLetterStore, event: string | undefined): Promise<string[]> {
  return event ? [event] : (await store.summary()).map((s) => s.event);
}

function missing(io: Output, event: string, id: string): number {
  io.err(`No dead letter ${id} of ${event}.`);
  return 1;
}

function parseArgs(argv: string[]): Args {
  const [command = 'help', ...rest] = argv;
  const args: Args = { command, positional: [], all: false, json: false, limit: 20 };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg === '--all') args.all = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--limit' || arg === '--after') {
      const value = rest[++i];
      if (value === undefined) throw new UsageError(`${arg} needs a value`);
      if (arg === '--limit') {
        args.limit = Number(value);
        if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > 10_000) throw new UsageError('--limit must be an integer from 1 to 10000');
      } else {
        if (!isDeadLetterId(value)) throw new UsageError(`--after "${value}" is not a dead-letter id (like 1767000000000-0)`);
        args.after = value;
      }
    } else if (arg.startsWith('-')) throw new UsageError(`Unknown option ${arg}`);
    else args.positional.push(arg);
  }
  const [event, id, extra] = args.positional;
  if (['help', '--help', '-h'].includes(command)) return { ...args, command: 'help' };
  if (!['list', 'show', 'replay', 'drop'].includes(command)) throw new UsageError(`Unknown command "${command}"`);
  if (event !== undefined && !isEventName(event)) throw new UsageError(`"${event}" is not an event name (like order.confirmed)`);
  if (id !== undefined && !isDeadLetterId(id)) throw new UsageError(`"${id}" is not a dead-letter id (like 1767000000000-0)`);
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`);
  if (command === 'list' && event) throw new UsageError('list takes no event: use show <event>');
  if (command === 'show' && !event) throw new UsageError('show needs an event');
  if ((command === 'replay' || command === 'drop') && !id && !args.all) throw new UsageError(`${command} needs <event> <id>, or --all`);
  if ((command === 'replay' || command === 'drop') && id && args.all) throw new UsageError(`${command}: give an id or --all, not both`);
  return args;
}

function lettersTable(letters: DeadLetter[]): string {
  return table(
    ['ID', 'MODULE', 'EVENT ID', 'DELIVERIES', 'DEAD AT', 'FIRST ERROR'],
    letters.map((l) => [l.id, l.group, l.eventId, String(l.deliveries), l.deadAt, l.firstError]),
  );
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n');
}

const consoleOutput: Output = {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
};
