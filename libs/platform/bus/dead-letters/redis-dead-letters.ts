import { Logger } from '@nestjs/common';
import { RedisConnections, scanKeys } from '@cleave/platform/redis';
import { Envelope } from '../envelope';
import { parseDeadLetterFields, REPLAYED_FOR } from '../transports/redis/dead-letter.format';
import { Actor, DeadLetter, DeadLetterStore, DeadLetterSummary, ReplayedDeadLetter } from './dead-letter-store';

type StreamEntry = [id: string, fields: string[]];

const PAGE = 500;

/**
 * Moves a dead letter back to its event stream, addressed to its module only, and deletes
 * it, in one step: two replays of one dead letter cannot both put it back.
 */
const REPLAY = `
if redis.call('XDEL', KEYS[1], ARGV[1]) == 0 then return false end
return redis.call('XADD', KEYS[2], '*', '${REPLAYED_FOR}', ARGV[2], 'm', ARGV[3])`;

/**
 * Dead letters in Redis: a stream per event (`<prefix>:{evt:<event>}:dlq`, in its event stream's slot, so the replay script may touch both) that consumers fill
 * when a module's handler failed an entry `CLEAVE_EVENTS_MAX_DELIVERIES` times.
 *
 * A replay reaches only the module that failed the event: the other subscribing modules
 * handled it when it first came, and giving it to them again would rely on every one of
 * their handlers deduplicating it. The event keeps its id, so the failing module's handler
 * can still tell a partial earlier attempt.
 */
export class RedisDeadLetters extends DeadLetterStore {
  private readonly logger = new Logger('DeadLetters');

  constructor(private readonly redis: RedisConnections) {
    super();
  }

  async summary(): Promise<DeadLetterSummary[]> {
    const summaries: DeadLetterSummary[] = [];
    for (const event of await this.events()) {
      const groups: Record<string, number> = {};
      let oldest: DeadLetter | undefined;
      let newest: DeadLetter | undefined;
      let count = 0;
      for await (const letter of this.all(event)) {
        oldest ??= letter;
        newest = letter;
        count++;
        groups[letter.group] = (groups[letter.group] ?? 0) + 1;
      }
      if (!oldest || !newest) continue;
      summaries.push({
        event,
        count,
        groups,
        oldest: { id: oldest.id, deadAt: oldest.deadAt, group: oldest.group, eventId: oldest.eventId, firstError: oldest.firstError },
        newestAt: newest.deadAt,
      });
    }
    return summaries.sort((a, b) => a.event.localeCompare(b.event));
  }

  async list(event: string, { limit, after }: { limit: number; after?: string }): Promise<DeadLetter[]> {
    const entries = (await this.redis.command.xrange(this.key(event), after ? `(${after}` : '-', '+', 'COUNT', limit)) as StreamEntry[];
    return entries.map((entry) => toDeadLetter(event, entry));
  }

  async get(event: string, id: string): Promise<DeadLetter | undefined> {
    const entry = await this.entry(event, id);
    return entry ? toDeadLetter(event, entry) : undefined;
  }

  async replay(event: string, id: string, actor: Actor): Promise<ReplayedDeadLetter | undefined> {
    const entry = await this.entry(event, id);
    if (!entry) return undefined;
    const letter = toDeadLetter(event, entry);
    const { message } = parseDeadLetterFields(entry[1]);
    const replayedAs = (await this.redis.command.eval(REPLAY, 2, this.key(event), this.redis.keys.events(event), id, letter.group, message)) as string | null;
    if (!replayedAs) return undefined;
    this.logger.log(`Replayed dead letter ${id} of ${event} (event ${letter.eventId}) to ${letter.group} as ${replayedAs}, asked by ${actor.by}`);
    return { id, event, group: letter.group, eventId: letter.eventId, replayedAs };
  }

  async replayAll(event: string, actor: Actor): Promise<ReplayedDeadLetter[]> {
    const replayed: ReplayedDeadLetter[] = [];
    for (const letter of await this.snapshot(event)) {
      const done = await this.replay(event, letter.id, actor);
      if (done) replayed.push(done);
    }
    return replayed;
  }

  async drop(event: string, id: string, actor: Actor): Promise<DeadLetter | undefined> {
    const letter = await this.get(event, id);
    if (!letter) return undefined;
    if ((await this.redis.command.xdel(this.key(event), id)) === 0) return undefined;
    // The whole event goes to the log: a drop by mistake can still be recovered from it.
    this.logger.warn(`Dropped dead letter ${id} of ${event} (event ${letter.eventId}, ${letter.group}), asked by ${actor.by}: ${JSON.stringify(letter)}`);
    return letter;
  }

  async dropAll(event: string, actor: Actor): Promise<DeadLetter[]> {
    const dropped: DeadLetter[] = [];
    for (const letter of await this.snapshot(event)) {
      const done = await this.drop(event, letter.id, actor);
      if (done) dropped.push(done);
    }
    return dropped;
  }

  /** The dead letters of an event as they stand now: what "all" means, whatever arrives meanwhile. */
  private async snapshot(event: string): Promise<DeadLetter[]> {
    const letters: DeadLetter[] = [];
    for await (const letter of this.all(event)) letters.push(letter);
    return letters;
  }

  private async *all(event: string): AsyncGenerator<DeadLetter> {
    let after: string | undefined;
    for (;;) {
      const page = await this.list(event, { limit: PAGE, after });
      yield* page;
      if (page.length < PAGE) return;
      after = page[page.length - 1].id;
    }
  }

  /** Every event that has a dead-letter stream. */
  private async events(): Promise<string[]> {
    const events = new Set<string>();
    for (const key of await scanKeys(this.redis.command, this.redis.keys.deadLetterPattern())) {
      const event = this.redis.keys.deadLetterEvent(key);
      if (event) events.add(event);
    }
    return [...events];
  }

  private async entry(event: string, id: string): Promise<StreamEntry | undefined> {
    const [entry] = (await this.redis.command.xrange(this.key(event), id, id)) as StreamEntry[];
    return entry;
  }

  private key(event: string): string {
    return this.redis.keys.deadLetters(event);
  }
}

function toDeadLetter(event: string, [id, fields]: StreamEntry): DeadLetter {
  const record = parseDeadLetterFields(fields);
  const envelope = parseEnvelope(record.message);
  const letter: DeadLetter = {
    id,
    event,
    group: record.group,
    eventId: envelope.id ?? '',
    entry: record.entry,
    deliveries: record.deliveries,
    deadAt: new Date(Number(id.split('-')[0])).toISOString(),
    firstError: record.firstError,
    lastError: record.lastError,
    data: envelope.data,
    ...(envelope.traceparent ? { traceparent: envelope.traceparent } : {}),
  };
  return letter;
}

/** A message that is not an envelope (how it may have come to be a dead letter) is shown as it is. */
function parseEnvelope(message: string): Partial<Envelope> {
  try {
    const parsed = JSON.parse(message) as Envelope;
    if (parsed && typeof parsed === 'object') return parsed;
  } catch {
    // falls through
  }
  return { id: '', data: message };
}
